// The FerryServer's TLS mode with the real client: pinned fingerprints, trust on first use, a changed
// certificate refused, and no silent plaintext in either direction.
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FerryClient } from '../client'
import { FrameDecoder } from '../protocol/frame-codec'
import { HelloSchema } from '../protocol/messages'
import { FerryServer } from '../server'
import { pattern, rejection, sha256, tempDir } from '../testing/harness'
import { fingerprintOf } from './fingerprint'
import { connectTls } from './tls-options'
import { generateTlsIdentity } from './tls-identity'
import { TrustStore } from './trust-store'

let base: string
let identity: { key: string; cert: string }
let server: FerryServer
let port: number

beforeAll(async () => {
  base = await tempDir('ferry-tls-server-')
  identity = await generateTlsIdentity('test')
  server = await FerryServer.start({ root: path.join(base, 'share'), tls: identity, token: 'secret' })
  port = server.address().port
})

afterAll(async () => {
  await server.close({ graceMs: 0 })
  await fsp.rm(base, { recursive: true, force: true })
})

describe('FerryServer over TLS', () => {
  it('greets a pinned TLS client with tls: true', async () => {
    const { socket } = await connectTls({
      host: '127.0.0.1',
      port,
      pin: { fingerprint: fingerprintOf(identity.cert) },
    })
    const decoder = new FrameDecoder()
    const [event] = await new Promise<ReturnType<FrameDecoder['push']>>((resolve) =>
      socket.once('data', (d: Buffer) => resolve(decoder.push(d))),
    )
    socket.destroy()
    expect(event?.kind).toBe('header')
    const hello = HelloSchema.parse(event?.kind === 'header' ? event.header : null)
    expect(hello).toMatchObject({ tls: true, auth: 'token' })
  })

  it('tells a plaintext client TLS_REQUIRED instead of leaving it waiting', async () => {
    const err = await rejection(FerryClient.connect({ host: '127.0.0.1', port, token: 'secret' }))
    expect(err.code).toBe('TLS_REQUIRED')
  })

  it('moves verified data for the real client with a pinned fingerprint', async () => {
    const client = await FerryClient.connect({
      host: '127.0.0.1',
      port,
      token: 'secret',
      tls: { fingerprint: fingerprintOf(identity.cert) },
    })
    try {
      expect(client.fingerprint).toBe(fingerprintOf(identity.cert))
      const data = pattern(300_000, 4)
      await client.putBuffer('tls.bin', data, { mode: 'overwrite' })
      expect(sha256(await client.getBuffer('tls.bin'))).toBe(sha256(data))
    } finally {
      await client.close()
    }
  })

  it('refuses a server whose fingerprint is not the expected one, before sending the token', async () => {
    const other = await generateTlsIdentity('impostor')
    const err = await rejection(
      FerryClient.connect({
        host: '127.0.0.1',
        port,
        token: 'secret',
        tls: { fingerprint: fingerprintOf(other.cert) },
      }),
    )
    expect(err.code).toBe('FINGERPRINT_MISMATCH')
  })

  it('trusts on first use, then refuses the same address with another certificate', async () => {
    const store = await TrustStore.open(path.join(base, 'known-servers.json'))
    const seen: string[] = []
    const first = await FerryClient.connect({
      host: '127.0.0.1',
      port,
      token: 'secret',
      tls: { store, onFirstUse: (fp) => (seen.push(fp), true) },
    })
    await first.ping()
    await first.close()
    expect(seen).toEqual([fingerprintOf(identity.cert)])
    const again = await FerryClient.connect({ host: '127.0.0.1', port, token: 'secret', tls: { store } })
    await again.close()
    expect(seen).toHaveLength(1)

    // The host "reset" its identity: same address, new certificate.
    await server.close({ graceMs: 0 })
    const replaced = await FerryServer.start({
      root: path.join(base, 'share'),
      port,
      tls: await generateTlsIdentity('new'),
      token: 'secret',
    })
    try {
      const err = await rejection(
        FerryClient.connect({ host: '127.0.0.1', port, token: 'secret', tls: { store } }),
      )
      expect(err.code).toBe('FINGERPRINT_MISMATCH')
      expect(err.message).toMatch(/WARNING/)
      expect(store.get('127.0.0.1', port)?.fingerprint).toBe(fingerprintOf(identity.cert))
    } finally {
      await replaced.close({ graceMs: 0 })
      server = await FerryServer.start({
        root: path.join(base, 'share'),
        port,
        tls: identity,
        token: 'secret',
      })
    }
  })
})

describe('a TLS client and a plaintext server', () => {
  it('fails CONNECTION_FAILED and never talks plaintext', async () => {
    const plain = await FerryServer.start({ root: path.join(base, 'plain') })
    try {
      const err = await rejection(
        FerryClient.connect({
          host: '127.0.0.1',
          port: plain.address().port,
          tls: { fingerprint: fingerprintOf(identity.cert) },
        }),
      )
      expect(err.code).toBe('CONNECTION_FAILED')
      expect(err.message).toMatch(/does not speak TLS/)
    } finally {
      await plain.close({ graceMs: 0 })
    }
  })
})
