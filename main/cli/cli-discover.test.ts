// `ferry discover` and the serve announcement, on loopback unicast transports (nothing leaves the machine; the
// real network is tested in main/discovery/netns.test.ts, with the real binary).
import { describe, expect, it } from 'vitest'
import { Announcer } from '../discovery'
import { announcerTransport, browserTransport, freeUdpPort } from '../discovery/test-kit'
import { startServeAnnouncement } from './commands/announce'
import { discoverCommand } from './commands/discover'
import { main } from './index'
import { captureIo } from './test-support'

const FP = 'AB:'.repeat(31) + 'AB'

describe('ferry discover', () => {
  it('lists the hosts that answered, as JSON and as lines', async () => {
    const port = await freeUdpPort()
    const announcer = new Announcer({
      name: 'Box',
      port: 7421,
      tls: true,
      fingerprint: FP,
      tokenRequired: true,
      transport: announcerTransport(port),
    })
    const io = captureIo(process.cwd())
    // The announcer repeats its announcement after 1 s: the browser hears it whatever the start order.
    const running = discoverCommand(io, { timeout: 1.5, json: true }, browserTransport(port))
    await announcer.start()
    expect(await running).toBe(0)
    await announcer.stop()
    expect(JSON.parse(io.stdout.text())).toEqual([
      {
        name: 'Box',
        instance: 'Box (7421)',
        host: '127.0.0.1',
        port: 7421,
        protocol: 1,
        tls: true,
        fingerprint: FP,
        tokenRequired: true,
      },
    ])

    const plain = captureIo(process.cwd())
    const again = discoverCommand(plain, { timeout: 1.5 }, browserTransport(port))
    await announcer.start()
    await again
    await announcer.stop()
    expect(plain.stdout.text()).toBe(
      `127.0.0.1:7421  Box  (TLS, token required)\n  announced fingerprint (a hint; check it): ${'ab'.repeat(32)}\n`,
    )
  })

  it('refuses a bad --timeout with a usage error', async () => {
    const io = captureIo(process.cwd())
    expect(await main(['discover', '--timeout', 'soon'], io)).toBe(2)
    expect(io.stderr.text()).toMatch(/^ferry: INVALID_ARGUMENT: .*--timeout.*expected seconds/)
  })

  it('serve announces only off loopback by default, and says why it does not when asked on loopback', async () => {
    const base = { port: 7420, name: 'Box', tls: false, fingerprint: null, tokenRequired: false }
    const io = captureIo(process.cwd())
    expect(await startServeAnnouncement(io, { ...base, announce: undefined, host: '127.0.0.1' })).toBeNull()
    expect(await startServeAnnouncement(io, { ...base, announce: false, host: '10.0.0.1' })).toBeNull()
    expect(io.stderr.text()).toBe('')
    expect(await startServeAnnouncement(io, { ...base, announce: true, host: '127.0.0.1' })).toBeNull()
    expect(io.stderr.text()).toMatch(/^warning: not announcing: the server listens on loopback only/)

    const port = await freeUdpPort()
    const announced = await startServeAnnouncement(
      io,
      { ...base, announce: undefined, host: '0.0.0.0' },
      announcerTransport(port),
    )
    expect(io.stdout.text()).toMatch(/^announced on the LAN as "Box \(7420\)"/)
    await announced?.stop()
  })
})
