// The app's discovery through FerryService handlers: a hosting kit announces (on a loopback unicast transport,
// so nothing leaves the machine), another kit's Nearby list sees it; a discovered fingerprint is only a hint and
// goes through the same TLS pinning as a pairing link: a spoofed one is refused.
import { describe, expect, it } from 'vitest'
import type { ConnectionInfo, NearbyEvent, NearbyHost, TrustedServer } from '../../preload/api'
import { SERVICE_TYPE } from '../discovery'
import { announcerTransport, browserTransport, freeUdpPort, sendResponse } from '../discovery/test-kit'
import { normalizeFingerprint } from '../security/fingerprint'
import { failure, hostShare, kitsPerTest, nextEvent, value } from './service-test-kit'

const OTHER = 'AB:'.repeat(31) + 'AB'
const kit = kitsPerTest()

const isAdd = (e: NearbyEvent): e is Extract<NearbyEvent, { host: NearbyHost }> => e.type === 'add'

async function pair() {
  const port = await freeUdpPort()
  const server = await kit({ discovery: { transport: announcerTransport(port), name: 'Studio' } })
  const client = await kit({ discovery: { transport: browserTransport(port) } })
  expect(value(await client.service.handlers.browseNearby())).toEqual([])
  return { server, client, port }
}

describe('discovery service', () => {
  it('announces a host with network access, lists it nearby, and connects pinned to the announced fingerprint', async () => {
    const { server, client } = await pair()
    const added = nextEvent(client.service.events, 'nearby', (e) => e.type === 'add')
    const status = await hostShare(server, { tls: true, bindAll: true, token: 'secret' })
    const event = await added
    if (!isAdd(event)) throw new Error('expected an add')
    const fingerprint = normalizeFingerprint(status.fingerprint ?? '')
    expect(event.host).toEqual({
      id: `studio (${status.port})@127.0.0.1`,
      name: 'Studio',
      host: '127.0.0.1',
      port: status.port ?? 0,
      protocol: 1,
      tls: true,
      fingerprint,
      tokenRequired: true,
    } satisfies NearbyHost)
    expect(value(await client.service.handlers.browseNearby())).toEqual([event.host])

    const { host, port } = event.host
    const info = value(
      await client.service.handlers.connect({
        host,
        port,
        token: 'secret',
        fingerprint: event.host.fingerprint!,
      }),
    ) as ConnectionInfo
    expect(info).toMatchObject({ tls: true, fingerprint })
    const pins = value(await client.service.handlers.listTrustedServers()) as TrustedServer[]
    expect(pins.map((p) => p.fingerprint)).toEqual([fingerprint])
  })

  it('refuses a connection when the announced fingerprint is not the one the server presents', async () => {
    const { server, client, port: mdnsPort } = await pair()
    const status = await hostShare(server, { tls: true, bindAll: true })
    // Another machine (127.0.0.9) claims to be a Ferry host on the same port with a certificate of its choosing.
    const spoofed = nextEvent(client.service.events, 'nearby', (e) => isAdd(e) && e.host.host === '127.0.0.9')
    const full = `Spoof.${SERVICE_TYPE}`
    await sendResponse(
      mdnsPort,
      {
        answers: [{ type: 'PTR', name: SERVICE_TYPE, ttl: 120, data: full }],
        additionals: [
          { type: 'SRV', name: full, ttl: 120, data: { port: status.port ?? 0, target: 'spoof.local' } },
          {
            type: 'TXT',
            name: full,
            ttl: 120,
            data: ['txtvers=1', 'v=1', 'name=Spoof', 'tls=1', `fp=${'ab'.repeat(32)}`, 'token=0'],
          },
        ],
      },
      '127.0.0.9',
    )
    const event = await spoofed
    if (!isAdd(event)) throw new Error('expected an add')
    expect(event.host.fingerprint).toBe(OTHER)
    // The form fills in what was announced; the connection still checks the certificate and refuses.
    const error = failure(
      await client.service.handlers.connect({
        host: event.host.host,
        port: event.host.port,
        tls: true,
        fingerprint: event.host.fingerprint!,
      }),
    )
    expect(error.code).toBe('FINGERPRINT_MISMATCH')
    expect(error.details).toMatchObject({
      expected: OTHER,
      presented: normalizeFingerprint(status.fingerprint ?? ''),
    })
    expect(value(await client.service.handlers.listTrustedServers())).toEqual([])
    expect(client.service.connection.target()).toBeNull()
  })

  it('announces only with network access, can be switched off and on, and says goodbye when hosting stops', async () => {
    const { server, client } = await pair()
    const logs: string[] = []
    server.service.events.on('host', (e) => {
      if (e.type === 'log') logs.push(e.message)
    })
    await hostShare(server, { bindAll: false })
    expect(value(await server.service.handlers.setHostAnnounce(true))).toBe(false)
    value(await server.service.handlers.stopHost())

    const added = nextEvent(client.service.events, 'nearby', (e) => e.type === 'add')
    await hostShare(server, { bindAll: true })
    await added
    const removed = nextEvent(client.service.events, 'nearby', (e) => e.type === 'remove')
    expect(value(await server.service.handlers.setHostAnnounce(false))).toBe(false)
    await removed
    const again = nextEvent(client.service.events, 'nearby', (e) => e.type === 'add')
    expect(value(await server.service.handlers.setHostAnnounce(true))).toBe(true)
    await again
    const gone = nextEvent(client.service.events, 'nearby', (e) => e.type === 'remove')
    value(await server.service.handlers.stopHost())
    await gone
    expect(value(await client.service.handlers.browseNearby())).toEqual([])
    expect(logs.filter((l) => /announce/.test(l))).toEqual([
      expect.stringMatching(/^announced on the LAN as "Studio \(\d+\)"$/),
      'no longer announced on the LAN',
      expect.stringMatching(/^announced on the LAN/),
      'no longer announced on the LAN',
    ])
    expect(failure(await server.service.handlers.setHostAnnounce('yes')).code).toBe('INVALID_ARGUMENT')
  })
})
