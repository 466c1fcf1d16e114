// Run inside a network namespace by netns.test.ts (`ip netns exec NS node --import tsx netns-child.ts ...`):
//   announce NAME PORT TTL   announces until SIGTERM (then says goodbye) or SIGKILL (then says nothing)
//   browse                   prints every change of the nearby list as one JSON line
// Prints 'ready' once its socket is up. Uses the real mDNS group and port on the namespace's interfaces.
import { Announcer } from './announcer'
import { Discoverer } from './discoverer'

const [mode, name = 'Box', port = '7420', ttl = '120'] = process.argv.slice(2)

if (mode === 'announce') {
  const announcer = new Announcer({
    name,
    port: Number(port),
    tls: false,
    tokenRequired: false,
    ttlSeconds: Number(ttl),
  })
  await announcer.start()
  process.stdout.write('ready\n')
  process.once('SIGTERM', () => {
    void announcer.stop().then(() => process.exit(0))
  })
} else if (mode === 'browse') {
  const discoverer = new Discoverer()
  discoverer.on('change', (change) => process.stdout.write(`${JSON.stringify(change)}\n`))
  await discoverer.start()
  process.stdout.write('ready\n')
  process.once('SIGTERM', () => {
    void discoverer.stop().then(() => process.exit(0))
  })
} else {
  process.stderr.write('usage: netns-child.ts announce NAME PORT TTL | browse\n')
  process.exit(2)
}
// Keep running until a signal: the sockets hold the loop open.
