// One Ferry server of a multi-server test, in its own process so the test can SIGKILL it:
//   node --import tsx store-server-child.ts NAME local ROOT   a share in a folder (LocalStore via `root`)
//   node --import tsx store-server-child.ts NAME s3           a share in the bucket that FERRY_S3_* name
// It prints one JSON line { port } once listening, then one { transfer } line per transfer event, and serves
// until killed. NAME is what HELLO says (`server`), so a test can tell which server a client reached. The S3 part
// size is S3's minimum, so a few MiB already make a multipart upload.
import { FerryServer, type ServerOptions } from '../server'
import { s3OptionsFromEnv } from '../store/s3/s3-config'
import { MIN_PART_BYTES } from '../store/s3/s3-context'
import { S3Store } from '../store/s3/s3-store'

const [name, kind, root] = process.argv.slice(2)
if (!name || (kind !== 'local' && kind !== 's3') || (kind === 'local' && !root)) {
  process.stderr.write('usage: store-server-child.ts NAME local ROOT | NAME s3\n')
  process.exit(2)
}

async function shareOptions(): Promise<Pick<ServerOptions, 'root' | 'store'>> {
  if (kind === 'local') return { root }
  const store = new S3Store(s3OptionsFromEnv(process.env, { partSizeBytes: MIN_PART_BYTES }))
  await store.check()
  return { store }
}

const server = await FerryServer.start({ ...(await shareOptions()), name })
process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n')
server.on('transfer', (event) => process.stdout.write(JSON.stringify({ transfer: event }) + '\n'))
