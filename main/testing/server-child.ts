// A FerryServer in its own process, for tests that kill it: `node --import tsx server-child.ts <root>` prints
// one JSON line { port } once listening, then { transfer } lines, and serves until killed.
import { FerryServer } from '../server'

const root = process.argv[2]
if (!root) {
  process.stderr.write('usage: server-child.ts <root>\n')
  process.exit(2)
}
const server = await FerryServer.start({ root })
process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n')
// Transfer events, one JSON line each, so a test can wait for "the server has written this much".
server.on('transfer', (event) => process.stdout.write(JSON.stringify({ transfer: event }) + '\n'))
