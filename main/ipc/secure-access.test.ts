// The app's access token and TLS end to end through FerryService handlers: a real TLS server with a token, the
// window's connection, transfers and the perf test over it, and a changed certificate refused until trusted.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ConnectionInfo } from '../../preload/api'
import { normalizeFingerprint } from '../security/fingerprint'
import { failure, hostShare, kitsPerTest, nextEvent, settled, value } from './service-test-kit'

const TOKEN = 'correct horse battery staple'

const kit = kitsPerTest()
const host = hostShare

/** The canonical 'AB:CD:...' form of the display form the host shows. */
function canonical(display: string | null): string | null {
  return display === null ? null : normalizeFingerprint(display)
}

describe('hosting and connecting with TLS and an access token', () => {
  it('shows the fingerprint and pairing link, and connects, transfers and runs perf with the token over TLS', async () => {
    const server = await kit()
    const client = await kit()
    const status = await host(server, { tls: true, token: ` ${TOKEN} `, readOnly: false })
    expect(status).toMatchObject({ running: true, tls: true, tokenRequired: true, readOnly: false })
    expect(status.fingerprint).toMatch(/^([0-9A-F]{4} ){3}[0-9A-F]{4}(\n([0-9A-F]{4} ){3}[0-9A-F]{4}){3}$/)
    const hex = status.fingerprint?.replace(/\s/g, '').toLowerCase()
    expect(status.pairingLink).toBe(`ferry://127.0.0.1:${status.port}?fp=${hex}`)
    // The identity lives in the host's data folder and survives a restart: same fingerprint.
    expect(await readFile(join(server.dir, 'data', 'ferry-tls-identity.pem'), 'utf8')).toContain(
      'CERTIFICATE',
    )
    value(await server.service.handlers.stopHost())
    const again = await host(server, { tls: true, token: TOKEN })
    expect(again.fingerprint).toBe(status.fingerprint)

    await writeFile(join(server.dir, 'share', 'a.txt'), 'over TLS')
    const info = value(
      await client.service.handlers.connect({ host: '127.0.0.1', port: again.port, tls: true, token: TOKEN }),
    ) as ConnectionInfo
    expect(info).toMatchObject({ tls: true, readOnly: false })
    expect(info.fingerprint).toBe(canonical(again.fingerprint))
    // Trust on first use: the client's data folder now pins this server.
    const known = await readFile(join(client.dir, 'data', 'known-servers.json'), 'utf8')
    expect(known).toContain(`127.0.0.1:${again.port}`)
    expect(known).toContain(info.fingerprint)

    // The transfer pool reuses the token and TLS settings of the window's connection.
    const ids = value(await client.service.handlers.download(['a.txt'], join(client.dir, 'dl'))) as string[]
    const [done] = await settled(client.service, ids)
    expect(done).toMatchObject({ state: 'done', error: null })
    expect(await readFile(join(client.dir, 'dl', 'a.txt'), 'utf8')).toBe('over TLS')

    // So does the perf test's 'connected' target.
    const finished = nextEvent(client.service.events, 'perf', (e) => e.type === 'done' || e.type === 'failed')
    value(
      await client.service.handlers.startPerf({
        clientCounts: [2],
        sizeBytes: 1024,
        requests: 6,
        mix: 'mixed',
        target: 'connected',
      }),
    )
    const last = await finished
    expect(last).toMatchObject({ type: 'done' })
    if (last.type === 'done') expect(last.points.every((p) => p.errors === 0)).toBe(true)
  })

  it('refuses a wrong or missing token, and a TLS client never falls back to a plaintext server', async () => {
    const server = await kit()
    const client = await kit()
    const secure = await host(server, { tls: true, token: TOKEN, readOnly: true })
    expect(secure).toMatchObject({ tokenRequired: true, readOnly: true })
    const target = { host: '127.0.0.1', port: secure.port ?? 0, tls: true }
    expect(failure(await client.service.handlers.connect({ ...target, token: 'nope' })).code).toBe(
      'AUTH_FAILED',
    )
    expect(failure(await client.service.handlers.connect(target)).code).toBe('AUTH_REQUIRED')
    const info = value(await client.service.handlers.connect({ ...target, token: TOKEN })) as ConnectionInfo
    expect(info).toMatchObject({ tls: true, readOnly: true })

    value(await server.service.handlers.stopHost())
    const plain = await host(server)
    expect(plain).toMatchObject({ tls: false, fingerprint: null, pairingLink: null, tokenRequired: false })
    const refused = failure(
      await client.service.handlers.connect({ host: '127.0.0.1', port: plain.port ?? 0, tls: true }),
    )
    expect(refused.code).toBe('CONNECTION_FAILED')
    expect(refused.message).toMatch(/does not speak TLS/)
    const open = value(
      await client.service.handlers.connect({ host: '127.0.0.1', port: plain.port ?? 0 }),
    ) as ConnectionInfo
    expect(open).toMatchObject({ tls: false, fingerprint: null })
  })

  it('refuses a changed certificate with both fingerprints until the user trusts the new one', async () => {
    const first = await kit()
    const client = await kit()
    const original = await host(first, { tls: true })
    const port = original.port ?? 0
    const target = { host: '127.0.0.1', port, tls: true }
    value(await client.service.handlers.connect(target))
    value(await client.service.handlers.disconnect())
    value(await first.service.handlers.stopHost())

    // Another identity (another data folder) on the same port: what an impostor or a reinstalled host looks like.
    const second = await kit()
    const replaced = await host(second, { tls: true, port })
    expect(replaced.fingerprint).not.toBe(original.fingerprint)
    const error = failure(await client.service.handlers.connect(target))
    expect(error.code).toBe('FINGERPRINT_MISMATCH')
    expect(error.details).toEqual({
      server: `127.0.0.1:${port}`,
      expected: canonical(original.fingerprint),
      presented: canonical(replaced.fingerprint),
    })
    expect(error.message).toContain(canonical(original.fingerprint))
    expect(error.message).toContain(canonical(replaced.fingerprint))
    expect(client.service.connection.target()).toBeNull()

    const bad = failure(await client.service.handlers.trustFingerprint('127.0.0.1', port, 'not hex'))
    expect(bad.code).toBe('INVALID_ARGUMENT')
    value(await client.service.handlers.trustFingerprint('127.0.0.1', port, error.details?.['presented']))
    const info = value(await client.service.handlers.connect(target)) as ConnectionInfo
    expect(info.fingerprint).toBe(canonical(replaced.fingerprint))
  })
})
