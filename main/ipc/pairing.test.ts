// Pairing links, trusted servers and remembered host settings through FerryService handlers, against a real TLS
// host (another kit with its own identity) on 127.0.0.1.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type {
  ConnectionInfo,
  HostEvent,
  HostSettings,
  PairingLink,
  PairingLinkEvent,
  TrustedServer,
} from '../../preload/api'
import type { Kit } from './service-test-kit'
import { failure, hostShare, kitsPerTest, nextEvent, value } from './service-test-kit'

const OTHER = 'AB:'.repeat(31) + 'AB'

const kit = kitsPerTest()
const host = hostShare

async function trusted(k: Kit): Promise<TrustedServer[]> {
  return value(await k.service.handlers.listTrustedServers()) as TrustedServer[]
}

describe('connecting with a pairing link', () => {
  it("pins the link's fingerprint, lists the server as trusted, and forgets it", async () => {
    const server = await kit()
    const client = await kit()
    const status = await host(server, { tls: true })
    const link = value(await client.service.handlers.parsePairingLink(status.pairingLink)) as PairingLink
    expect(link).toMatchObject({ host: '127.0.0.1', port: status.port, tls: true })
    expect(await trusted(client)).toEqual([])

    const info = value(await client.service.handlers.connect(link)) as ConnectionInfo
    expect(info).toMatchObject({ tls: true, fingerprint: link.fingerprint })
    const [pin, ...rest] = await trusted(client)
    expect(rest).toEqual([])
    expect(pin).toMatchObject({
      server: `127.0.0.1:${status.port}`,
      host: '127.0.0.1',
      port: status.port,
      fingerprint: link.fingerprint,
    })
    // The pin is what later plain TLS connections check: they now trust this server without a link.
    value(await client.service.handlers.disconnect())
    value(await client.service.handlers.connect({ host: '127.0.0.1', port: status.port, tls: true }))

    expect(value(await client.service.handlers.forgetTrustedServer('127.0.0.1', status.port))).toBe(true)
    expect(await trusted(client)).toEqual([])
    expect(value(await client.service.handlers.forgetTrustedServer('127.0.0.1', status.port))).toBe(false)
  })

  it('refuses a server that does not match the link, whatever was trusted before, and pins nothing', async () => {
    const server = await kit()
    const client = await kit()
    const status = await host(server, { tls: true })
    const port = status.port ?? 0
    // The client trusted this server on first use; a link with another fingerprint must still be refused.
    value(await client.service.handlers.connect({ host: '127.0.0.1', port, tls: true }))
    const before = await trusted(client)
    const error = failure(
      await client.service.handlers.connect({ host: '127.0.0.1', port, fingerprint: OTHER.toLowerCase() }),
    )
    expect(error.code).toBe('FINGERPRINT_MISMATCH')
    expect(error.details).toMatchObject({ expected: OTHER, presented: before[0]?.fingerprint })
    expect(await trusted(client)).toEqual(before)
    expect(client.service.connection.target()).toBeNull()
  })

  it('replaces a stale pin when the link matches the server', async () => {
    const server = await kit()
    const client = await kit()
    const status = await host(server, { tls: true })
    const port = status.port ?? 0
    value(await client.service.handlers.trustFingerprint('127.0.0.1', port, OTHER))
    expect(failure(await client.service.handlers.connect({ host: '127.0.0.1', port, tls: true })).code).toBe(
      'FINGERPRINT_MISMATCH',
    )
    const link = value(await client.service.handlers.parsePairingLink(status.pairingLink)) as PairingLink
    value(await client.service.handlers.connect(link))
    expect((await trusted(client)).map((t) => t.fingerprint)).toEqual([link.fingerprint])
  })

  it('checks links and targets strictly', async () => {
    const client = await kit()
    const bad = failure(await client.service.handlers.parsePairingLink('ferry://h:7420?fp=12'))
    expect(bad).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/64 hex/) })
    expect(failure(await client.service.handlers.parsePairingLink('x'.repeat(5000))).code).toBe(
      'INVALID_ARGUMENT',
    )
    expect(
      failure(await client.service.handlers.connect({ host: 'h', port: 1, fingerprint: 'nope' })).code,
    ).toBe('INVALID_ARGUMENT')
    expect(failure(await client.service.handlers.forgetTrustedServer('a b', 1)).code).toBe('INVALID_ARGUMENT')
    expect(failure(await client.service.handlers.forgetTrustedServer('h', 0)).code).toBe('INVALID_ARGUMENT')
  })
})

describe('links from the operating system', () => {
  const HEX = OTHER.replace(/:/g, '').toLowerCase()

  it('holds a link until the page asks, then pushes later ones as events', async () => {
    const k = await kit()
    k.service.pairing.receive(`ferry://nas.local:7420?fp=${HEX}`)
    expect(value(await k.service.handlers.takePairingLink())).toEqual({
      host: 'nas.local',
      port: 7420,
      tls: true,
      fingerprint: OTHER,
    })
    expect(value(await k.service.handlers.takePairingLink())).toBeNull()

    const pushed = nextEvent(k.service.events, 'pairing')
    k.service.pairing.receive(`ferry://[::1]:1?fp=${HEX}&token=t`)
    expect(await pushed).toEqual({
      type: 'link',
      link: { host: '::1', port: 1, tls: true, fingerprint: OTHER, token: 't' },
    } satisfies PairingLinkEvent)
    const invalid = nextEvent(k.service.events, 'pairing')
    k.service.pairing.receive('ferry://nas.local?fp=1')
    expect(await invalid).toMatchObject({ type: 'invalid', error: { code: 'INVALID_ARGUMENT' } })
  })

  it('holds again after the page went away, invalid links included', async () => {
    const k = await kit()
    value(await k.service.handlers.takePairingLink())
    k.service.pairing.detach()
    k.service.pairing.receive('ferry://broken')
    expect(failure(await k.service.handlers.takePairingLink()).code).toBe('INVALID_ARGUMENT')
    expect(value(await k.service.handlers.takePairingLink())).toBeNull()
  })
})

describe('remembered host settings', () => {
  it('are saved privately when hosting starts and offered to the next app start, token included', async () => {
    const k = await kit()
    expect(value(await k.service.handlers.getHostSettings())).toBeNull()
    const root = join(k.dir, 'share')
    await host(k, { tls: true, token: ' abcde-fghij ', readOnly: true })
    const file = join(k.dir, 'data', 'host-settings.json')
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    value(await k.service.handlers.stopHost())

    const restarted = await kit({ dataDir: join(k.dir, 'data') })
    expect(value(await restarted.service.handlers.getHostSettings())).toEqual({
      port: 0,
      root,
      bindAll: false,
      tls: true,
      readOnly: true,
      token: 'abcde-fghij',
    } satisfies HostSettings)

    // Hosting without a token forgets the old one: the file mirrors the last start.
    await host(restarted, {})
    expect(JSON.parse(await readFile(file, 'utf8'))).not.toHaveProperty('settings.token')
  })

  it('ignores a damaged file with a warning in the host log', async () => {
    const k = await kit()
    await mkdir(join(k.dir, 'data'), { recursive: true })
    await writeFile(join(k.dir, 'data', 'host-settings.json'), '{"version":1,"settings":{"port":"x"}}')
    const warned = nextEvent(k.service.events, 'host', (e: HostEvent) => e.type === 'log')
    expect(value(await k.service.handlers.getHostSettings())).toBeNull()
    expect(await warned).toMatchObject({ type: 'log', level: 'warn' })
  })

  it('still hosts when the settings cannot be saved, and says so', async () => {
    const k = await kit()
    await mkdir(join(k.dir, 'data', 'host-settings.json'), { recursive: true })
    const warned = nextEvent(
      k.service.events,
      'host',
      (e: HostEvent) => e.type === 'log' && e.message.includes('could not save'),
    )
    expect(await host(k)).toMatchObject({ running: true })
    await warned
  })
})
