// The fault proxy between the real client and the real server: whatever the network does, a transfer either
// completes verified or fails with a clear code, nothing partial becomes visible, earlier data stays intact, and
// the server keeps serving.
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FerryClient } from '../client'
import { fingerprintOf } from '../security/fingerprint'
import { generateTlsIdentity } from '../security/tls-identity'
import { FaultProxy, type FaultMode } from './fault-proxy'
import {
  expectServing,
  pattern,
  rejection,
  sha256,
  startShare,
  tempDir,
  visible,
  type Share,
} from './harness'

const CLEAR_CODES = ['CONNECTION_CLOSED', 'CONNECTION_FAILED', 'TIMEOUT', 'CANCELLED', 'PROTOCOL']
const OLD = pattern(200_000, 7)
const NEW = pattern(1_500_000, 8)

let share: Share
let local: string
let proxy: FaultProxy | null = null
const clients: FerryClient[] = []

beforeEach(async () => {
  share = await startShare()
  local = await tempDir('ferry-local-')
  await fsp.writeFile(path.join(share.root, 'data.bin'), OLD)
  await fsp.writeFile(path.join(local, 'new.bin'), NEW)
})

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
  await proxy?.close()
  proxy = null
  await share.stop()
  await fsp.rm(local, { recursive: true, force: true })
})

async function through(mode: FaultMode | ((n: number) => FaultMode)): Promise<FerryClient> {
  proxy = await FaultProxy.start({ target: { host: '127.0.0.1', port: share.port }, mode })
  const client = await FerryClient.connect({ host: '127.0.0.1', port: proxy.port })
  clients.push(client)
  return client
}

/** Only the old file (or, after a success, the new one) is visible: never a partial. */
async function expectShareHolds(data: Buffer): Promise<void> {
  expect(await visible(share.root)).toEqual({ 'data.bin': sha256(data) })
}

describe('slow and fragmented networks still deliver verified data', () => {
  it('delay in both directions', async () => {
    const client = await through({ kind: 'delay', ms: 1 })
    const result = await client.upload(path.join(local, 'new.bin'), 'data.bin', { mode: 'overwrite' })
    expect(result.sha256).toBe(sha256(NEW))
    await expectShareHolds(NEW)
    await client.download('data.bin', path.join(local, 'back.bin'))
    expect(sha256(await fsp.readFile(path.join(local, 'back.bin')))).toBe(sha256(NEW))
  })

  it('1-byte writes in both directions', async () => {
    const client = await through({ kind: 'split', direction: 'both' })
    const small = pattern(3000, 3)
    await client.putBuffer('data.bin', small, { mode: 'overwrite' })
    expect(sha256(await client.getBuffer('data.bin'))).toBe(sha256(small))
    expect((await client.list('')).map((e) => e.name)).toEqual(['data.bin'])
    await expectShareHolds(small)
  })
})

describe('an upload cut off mid-body', () => {
  const upload = (client: FerryClient, retries: number): Promise<unknown> =>
    client.upload(path.join(local, 'new.bin'), 'data.bin', { mode: 'overwrite', retries })

  it('reset: fails clearly without retries, old file intact, then resumes to completion', async () => {
    const client = await through({ kind: 'reset', afterBytes: 400_000, direction: 'up' })
    const err = await rejection(upload(client, 0))
    expect(CLEAR_CODES).toContain(err.code)
    await expectShareHolds(OLD)
    await expectServing(share.port)
    const direct = await FerryClient.connect({ host: '127.0.0.1', port: share.port })
    clients.push(direct)
    await upload(direct, 0)
    await expectShareHolds(NEW)
  })

  it('reset on the first connection only: the client reconnects, resumes and verifies', async () => {
    const client = await through((n) =>
      n === 0 ? { kind: 'reset', afterBytes: 400_000, direction: 'up' } : { kind: 'pass' },
    )
    await upload(client, 3)
    await expectShareHolds(NEW)
    expect(proxy!.connections).toBeGreaterThanOrEqual(2)
  })

  it('half-close: the server sees the body end early, nothing partial is visible', async () => {
    const client = await through({ kind: 'half-close', afterBytes: 300_000, direction: 'up' })
    const err = await rejection(upload(client, 0))
    expect(CLEAR_CODES).toContain(err.code)
    await expectShareHolds(OLD)
    await expectServing(share.port)
  })

  it('stall: the user cancels, nothing partial is visible', async () => {
    const client = await through({ kind: 'stall', afterBytes: 300_000, direction: 'up' })
    const controller = new AbortController()
    const stalled = proxy!.nextFault()
    const pending = client.upload(path.join(local, 'new.bin'), 'data.bin', {
      mode: 'overwrite',
      retries: 0,
      signal: controller.signal,
    })
    await stalled
    controller.abort()
    expect((await rejection(pending)).code).toBe('CANCELLED')
    await expectShareHolds(OLD)
    await expectServing(share.port)
  })
})

describe('a download cut off mid-body', () => {
  beforeEach(async () => {
    await fsp.writeFile(path.join(share.root, 'data.bin'), NEW)
  })
  const target = (): string => path.join(local, 'got.bin')

  it('reset: no file at the destination, then the download resumes and verifies', async () => {
    const client = await through({ kind: 'reset', afterBytes: 500_000, direction: 'down' })
    const err = await rejection(client.download('data.bin', target(), { retries: 0 }))
    expect(CLEAR_CODES).toContain(err.code)
    await expect(fsp.stat(target())).rejects.toThrow(/ENOENT/)
    const direct = await FerryClient.connect({ host: '127.0.0.1', port: share.port })
    clients.push(direct)
    const result = await direct.download('data.bin', target())
    expect(result.sha256).toBe(sha256(NEW))
    expect(sha256(await fsp.readFile(target()))).toBe(sha256(NEW))
    await expectServing(share.port)
  })

  it('stall: cancelling leaves no file at the destination', async () => {
    const client = await through({ kind: 'stall', afterBytes: 300_000, direction: 'down' })
    const controller = new AbortController()
    const stalled = proxy!.nextFault()
    const pending = client.download('data.bin', target(), { retries: 0, signal: controller.signal })
    await stalled
    controller.abort()
    expect((await rejection(pending)).code).toBe('CANCELLED')
    await expect(fsp.stat(target())).rejects.toThrow(/ENOENT/)
    await expectServing(share.port)
  })

  it('half-close towards the client: fails clearly', async () => {
    const client = await through({ kind: 'half-close', afterBytes: 300_000, direction: 'down' })
    const err = await rejection(client.download('data.bin', target(), { retries: 0 }))
    expect(CLEAR_CODES).toContain(err.code)
    await expect(fsp.stat(target())).rejects.toThrow(/ENOENT/)
    await expectServing(share.port)
  })
})

describe('faults under TLS', () => {
  it('a reset mid-upload over TLS fails clearly, then the upload resumes over TLS', async () => {
    const identity = await generateTlsIdentity('faults')
    const secure = await startShare({ tls: identity })
    try {
      await fsp.writeFile(path.join(secure.root, 'data.bin'), OLD)
      proxy = await FaultProxy.start({
        target: { host: '127.0.0.1', port: secure.port },
        mode: (n) => (n === 0 ? { kind: 'reset', afterBytes: 400_000, direction: 'up' } : { kind: 'pass' }),
      })
      const tls = { fingerprint: fingerprintOf(identity.cert) }
      const client = await FerryClient.connect({ host: '127.0.0.1', port: proxy.port, tls })
      clients.push(client)
      const err = await rejection(
        client.upload(path.join(local, 'new.bin'), 'data.bin', { mode: 'overwrite', retries: 0 }),
      )
      expect(CLEAR_CODES).toContain(err.code)
      expect(await visible(secure.root)).toEqual({ 'data.bin': sha256(OLD) })
      const result = await client.upload(path.join(local, 'new.bin'), 'data.bin', { mode: 'overwrite' })
      expect(result.sha256).toBe(sha256(NEW))
      expect(await visible(secure.root)).toEqual({ 'data.bin': sha256(NEW) })
    } finally {
      await Promise.all(clients.splice(0).map((c) => c.close()))
      await secure.stop()
    }
  })
})

describe('a folder job cut off mid-way', () => {
  async function folderOf(count: number): Promise<string> {
    const folder = path.join(local, 'many')
    await fsp.mkdir(folder)
    for (let i = 0; i < count; i++)
      await fsp.writeFile(path.join(folder, `f${i}.txt`), `file ${i} `.repeat(20))
    return folder
  }

  it('an upload whose batch answers were cut resumes on a new connection: every file once, none twice', async () => {
    const folder = await folderOf(700)
    // The first connection dies while the server's answer to a batch it already stored is on its way.
    const client = await through((n) =>
      n === 0 ? { kind: 'reset', afterBytes: 3000, direction: 'down' } : { kind: 'pass' },
    )
    const result = await client.uploadTree(folder, '', { mode: 'rename' })
    expect(result).toMatchObject({ filesTotal: 700, done: 700, failed: [] })
    const stored = await fsp.readdir(path.join(share.root, 'many'))
    expect(stored.length).toBe(700)
    expect(stored.some((n) => n.includes('('))).toBe(false)
    await expectServing(share.port)
  })

  it('a download cut mid-pipeline goes on from the first file not yet answered', async () => {
    const folder = path.join(share.root, 'many')
    await fsp.mkdir(folder)
    for (let i = 0; i < 700; i++) await fsp.writeFile(path.join(folder, `f${i}.txt`), `file ${i} `.repeat(20))
    const client = await through((n) =>
      n === 0 ? { kind: 'reset', afterBytes: 60_000, direction: 'down' } : { kind: 'pass' },
    )
    const target = path.join(local, 'copy')
    const result = await client.downloadTree('many', target)
    expect(result).toMatchObject({ filesTotal: 700, done: 700, failed: [] })
    for (let i = 0; i < 700; i += 97) {
      expect(await fsp.readFile(path.join(target, `f${i}.txt`), 'utf8')).toBe(`file ${i} `.repeat(20))
    }
    expect((await fsp.readdir(target)).filter((n) => n.endsWith('.ferry-part'))).toEqual([])
  })
})
