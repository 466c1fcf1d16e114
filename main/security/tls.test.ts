import { once } from 'node:events'
import { promises as fsp } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { FerryError } from '../protocol/error-codes'
import { FrameDecoder, encodeHeader } from '../protocol/frame-codec'
import { connectTls, installPlaintextProbe, tlsServerOptions } from './tls-options'
import { TLS_IDENTITY_FILE, generateTlsIdentity, loadOrCreateTlsIdentity } from './tls-identity'
import { TrustStore } from './trust-store'
import { fingerprintOf } from './fingerprint'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function tempDir(): Promise<string> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'ferry-tls-'))
  cleanups.push(() => fsp.rm(dir, { recursive: true, force: true }))
  return dir
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<FerryError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(FerryError)
  expect((err as FerryError).code).toBe(code)
  return err as FerryError
}

/** A TLS echo-free server that records whatever application bytes a client sends. */
async function startTlsServer(identity: {
  key: string
  cert: string
}): Promise<{ port: number; received: Buffer[] }> {
  const received: Buffer[] = []
  const server = tls.createServer(tlsServerOptions(identity), (socket) => {
    socket.on('error', () => undefined)
    socket.on('data', (d: Buffer) => received.push(d))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())))
  cleanups.push(() => {
    for (const s of sockets) s.destroy()
  })
  const sockets: net.Socket[] = []
  server.on('connection', (s: net.Socket) => sockets.push(s))
  return { port: (server.address() as net.AddressInfo).port, received }
}

let identityA: { key: string; cert: string }
let identityB: { key: string; cert: string }
beforeAll(async () => {
  ;[identityA, identityB] = await Promise.all([generateTlsIdentity('A'), generateTlsIdentity('B')])
})

describe('TLS identity on disk', () => {
  it('is created once, kept private, and reused with the same fingerprint', async () => {
    const dir = await tempDir()
    const [first, second] = await Promise.all([loadOrCreateTlsIdentity(dir), loadOrCreateTlsIdentity(dir)])
    expect(first.fingerprint).toBe(second.fingerprint)
    expect([first.created, second.created].filter(Boolean)).toHaveLength(1)
    const again = await loadOrCreateTlsIdentity(dir)
    expect(again.created).toBe(false)
    expect(again.fingerprint).toBe(first.fingerprint)
    expect(fingerprintOf(again.cert)).toBe(first.fingerprint)
    const stats = await fsp.stat(path.join(dir, TLS_IDENTITY_FILE))
    if (process.platform !== 'win32') expect(stats.mode & 0o077).toBe(0)
    expect((await fsp.readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([])
  })

  it('refuses a damaged file instead of silently replacing the identity', async () => {
    const dir = await tempDir()
    const file = path.join(dir, TLS_IDENTITY_FILE)
    await fsp.writeFile(file, identityA.key + identityB.cert) // key of one, certificate of another
    await expectCode(loadOrCreateTlsIdentity(dir), 'INTERNAL')
    expect(await fsp.readFile(file, 'utf8')).toBe(identityA.key + identityB.cert)
  })
})

describe('fingerprint pinning', () => {
  it('connects when the expected fingerprint matches, and refuses a different one before sending', async () => {
    const { port, received } = await startTlsServer(identityA)
    const ok = await connectTls({
      host: '127.0.0.1',
      port,
      pin: { fingerprint: fingerprintOf(identityA.cert) },
    })
    expect(ok.fingerprint).toBe(fingerprintOf(identityA.cert))
    ok.socket.destroy()
    const err = await expectCode(
      connectTls({ host: '127.0.0.1', port, pin: { fingerprint: fingerprintOf(identityB.cert) } }),
      'FINGERPRINT_MISMATCH',
    )
    expect(err.message).toMatch(/WARNING/)
    expect(received).toEqual([])
  })

  it('pins on first use, trusts the same server later and refuses a changed certificate', async () => {
    const store = await TrustStore.open(path.join(await tempDir(), 'known-servers.json'))
    const a = await startTlsServer(identityA)
    const first = await connectTls({ host: '127.0.0.1', port: a.port, pin: { store } })
    expect(first.firstUse).toBe(true)
    first.socket.destroy()
    const second = await connectTls({ host: '127.0.0.1', port: a.port, pin: { store } })
    expect(second.firstUse).toBe(false)
    second.socket.destroy()

    // Same address, new key: what an attacker in the middle (or a reset host) looks like.
    const b = await startTlsServer(identityB)
    await store.pin('127.0.0.1', b.port, fingerprintOf(identityA.cert))
    await expectCode(connectTls({ host: '127.0.0.1', port: b.port, pin: { store } }), 'FINGERPRINT_MISMATCH')
    expect(store.get('127.0.0.1', b.port)?.fingerprint).toBe(fingerprintOf(identityA.cert))
    expect(b.received).toEqual([])
  })

  it('replaces a stored pin only through an explicitly given fingerprint that matched', async () => {
    const store = await TrustStore.open(path.join(await tempDir(), 'known-servers.json'))
    const { port } = await startTlsServer(identityB)
    await store.pin('127.0.0.1', port, fingerprintOf(identityA.cert))
    await expectCode(connectTls({ host: '127.0.0.1', port, pin: { store } }), 'FINGERPRINT_MISMATCH')
    const accepted = await connectTls({
      host: '127.0.0.1',
      port,
      pin: { store, fingerprint: fingerprintOf(identityB.cert) },
    })
    accepted.socket.destroy()
    expect(store.get('127.0.0.1', port)?.fingerprint).toBe(fingerprintOf(identityB.cert))
  })

  it('an expected fingerprint wins over the store: refused even where the store trusts the server', async () => {
    const store = await TrustStore.open(path.join(await tempDir(), 'known-servers.json'))
    const { port, received } = await startTlsServer(identityA)
    const first = await connectTls({ host: '127.0.0.1', port, pin: { store } })
    first.socket.destroy()
    const err = await expectCode(
      connectTls({ host: '127.0.0.1', port, pin: { store, fingerprint: fingerprintOf(identityB.cert) } }),
      'FINGERPRINT_MISMATCH',
    )
    expect(err).toMatchObject({ details: { expected: fingerprintOf(identityB.cert) } })
    expect(received).toEqual([])
    expect(store.get('127.0.0.1', port)?.fingerprint).toBe(fingerprintOf(identityA.cert))
  })

  it('pins an expected fingerprint that matched, so a later plain TLS connect trusts it', async () => {
    const store = await TrustStore.open(path.join(await tempDir(), 'known-servers.json'))
    const { port } = await startTlsServer(identityA)
    const paired = await connectTls({
      host: '127.0.0.1',
      port,
      pin: { store, fingerprint: fingerprintOf(identityA.cert) },
    })
    paired.socket.destroy()
    expect(store.get('127.0.0.1', port)?.fingerprint).toBe(fingerprintOf(identityA.cert))
    const later = await connectTls({
      host: '127.0.0.1',
      port,
      pin: { store, onFirstUse: () => false },
    })
    expect(later.firstUse).toBe(false)
    later.socket.destroy()
  })

  it('does not pin a server the user declined', async () => {
    const store = await TrustStore.open(path.join(await tempDir(), 'known-servers.json'))
    const { port } = await startTlsServer(identityA)
    await expectCode(
      connectTls({ host: '127.0.0.1', port, pin: { store, onFirstUse: () => false } }),
      'FINGERPRINT_MISMATCH',
    )
    expect(store.list()).toEqual([])
  })

  it('needs a fingerprint or a store', async () => {
    await expectCode(connectTls({ host: '127.0.0.1', port: 1, pin: {} }), 'INVALID_ARGUMENT')
  })
})

describe('TLS and plaintext never mix silently', () => {
  it('a TLS client talking to a plaintext server fails CONNECTION_FAILED', async () => {
    const sockets: net.Socket[] = []
    const server = net.createServer((socket) => {
      sockets.push(socket)
      socket.on('error', () => undefined)
      socket.write(encodeHeader({ type: 'hello', protocol: 1 }))
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())))
    cleanups.push(() => sockets.forEach((s) => s.destroy()))
    const port = (server.address() as net.AddressInfo).port
    const err = await expectCode(
      connectTls({ host: '127.0.0.1', port, pin: { fingerprint: fingerprintOf(identityA.cert) } }),
      'CONNECTION_FAILED',
    )
    expect(err.message).toMatch(/does not speak TLS/)
  })

  it('a plaintext client waiting for HELLO gets a plaintext TLS_REQUIRED notice', async () => {
    const server = tls.createServer(tlsServerOptions(identityA), (s) => s.on('error', () => undefined))
    installPlaintextProbe(server, 50)
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())))
    const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1')
    socket.on('error', () => undefined)
    const decoder = new FrameDecoder()
    const chunks: Buffer[] = []
    socket.on('data', (d: Buffer) => chunks.push(d))
    await once(socket, 'close')
    const events = decoder.push(Buffer.concat(chunks))
    expect(events[0]).toMatchObject({
      kind: 'header',
      header: { type: 'notice', error: { code: 'TLS_REQUIRED' } },
    })
  })
})
