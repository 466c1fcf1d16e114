// The server's uploads on S3, end to end: a FerryServer over an S3Store on the real Ceph, the real client. PUT of
// small and multi-part files, a PUT cut mid-body and resumed through a SECOND server over the same bucket,
// PUT_BATCH of a folder (and again, every file found identical), 'fail' mode, and the quota. What landed is read
// back through the S3Store itself. Last, the store going away mid-upload: STORE_UNAVAILABLE, nothing visible, and the
// same upload resumes once it is back. Without FERRY_S3_ENDPOINT the suite skips and says why.
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FerryClient } from '../client'
import { readAll } from '../store/conformance/conformance-kit'
import { MIN_PART_BYTES } from '../store/s3/s3-context'
import { S3Store } from '../store/s3/s3-store'
import { createTestBucket, recordedParts, S3_SKIP_REASON, type TestBucket } from '../store/s3/s3-test-kit'
import { FaultProxy, type FaultMode } from '../testing/fault-proxy'
import { pattern, rejection, sha256, tempDir } from '../testing/harness'
import type { TransferEvent } from './events'
import { FerryServer, type ServerOptions } from './ferry-server'

const PART = MIN_PART_BYTES
const suite =
  S3_SKIP_REASON === null ? 'uploads to an S3 share' : `uploads to an S3 share (skipped: ${S3_SKIP_REASON})`

describe.skipIf(S3_SKIP_REASON !== null)(suite, () => {
  let bucket: TestBucket
  let local: string
  const closers: (() => Promise<void>)[] = []

  beforeEach(async () => {
    bucket = await createTestBucket()
    local = await tempDir('ferry-s3-uploads-')
  })
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close()
    await bucket.cleanup()
    await fsp.rm(local, { recursive: true, force: true })
  })

  const newStore = (): S3Store => new S3Store(bucket.options({ partSizeBytes: PART }))

  async function serve(
    options: Partial<ServerOptions> = {},
  ): Promise<{ server: FerryServer; store: S3Store }> {
    const store = newStore()
    const server = await FerryServer.start({ store, ...options })
    closers.push(() => server.close({ graceMs: 0 }))
    return { server, store }
  }

  async function connect(port: number): Promise<FerryClient> {
    const client = await FerryClient.connect({ host: '127.0.0.1', port })
    closers.push(() => client.close())
    return client
  }

  it('stores small and multi-part files, and refuses an existing name in fail mode', async () => {
    const { server, store } = await serve()
    const client = await connect(server.address().port)
    const small = pattern(1000, 1)
    expect(await client.putBuffer('small.txt', small)).toMatchObject({
      path: 'small.txt',
      sha256: sha256(small),
    })
    const big = pattern(2 * PART + 123_457, 2)
    await fsp.writeFile(path.join(local, 'big.bin'), big)
    await client.upload(path.join(local, 'big.bin'), 'big.bin')
    expect((await readAll(store, 'small.txt')).equals(small)).toBe(true)
    expect((await readAll(store, 'big.bin')).equals(big)).toBe(true)
    expect((await rejection(client.putBuffer('small.txt', pattern(10, 3)))).code).toBe('EXISTS')
    expect((await client.putBuffer('small.txt', pattern(10, 3), { mode: 'rename' })).path).toBe(
      'small (2).txt',
    )
    expect((await readAll(store, 'small.txt')).equals(small)).toBe(true)
  })

  it('resumes on a second server an upload cut mid-body on the first', async () => {
    const first = await serve()
    const data = pattern(3 * PART + 77_777, 4)
    const file = path.join(local, 'cut.bin')
    await fsp.writeFile(file, data)
    // The cut comes after two whole parts reached the first server; both go up and are recorded.
    const proxy = await FaultProxy.start({
      target: { host: '127.0.0.1', port: first.server.address().port },
      mode: { kind: 'reset', afterBytes: 2 * PART + 300_000, direction: 'up' },
    })
    closers.push(() => proxy.close())
    const cutClient = await connect(proxy.port)
    await rejection(cutClient.upload(file, 'cut.bin', { retries: 0 }))
    await expect.poll(() => recordedParts(bucket), { timeout: 30_000, interval: 100 }).toBe(2)

    const second = await serve()
    const starts: TransferEvent[] = []
    second.server.on('transfer', (e) => {
      if (e.state === 'started') starts.push(e)
    })
    const client = await connect(second.server.address().port)
    await client.upload(file, 'cut.bin', { resume: true })
    expect(starts.map((e) => e.bytes)).toEqual([2 * PART])
    expect((await readAll(second.store, 'cut.bin')).equals(data)).toBe(true)
    expect(await recordedParts(bucket)).toBe(0) // nothing staged is left
  })

  it('stores a folder with PUT_BATCH, and finds every file identical the second time', async () => {
    const { server, store } = await serve()
    const client = await connect(server.address().port)
    const tree = path.join(local, 'photos')
    await fsp.mkdir(path.join(tree, 'sub'), { recursive: true })
    const files = new Map<string, Buffer>()
    for (let i = 0; i < 24; i++) {
      const rel = i % 3 === 0 ? `sub/f${i}.bin` : `f${i}.bin`
      const bytes = pattern(500 + i * 997, 10 + i)
      files.set(rel, bytes)
      await fsp.writeFile(path.join(tree, rel), bytes)
    }
    const result = await client.uploadTree(tree, '')
    expect(result).toMatchObject({ filesTotal: 24, done: 24, failed: [] })
    for (const [rel, bytes] of files) {
      expect((await readAll(store, `photos/${rel}`)).equals(bytes), rel).toBe(true)
    }
    const again = await client.uploadTree(tree, '')
    expect(again).toMatchObject({ filesTotal: 24, failed: [] })
    expect((await store.list('photos')).filter((e) => e.type === 'file')).toHaveLength(16)
  })

  it('keeps to the quota, counting what the bucket holds', async () => {
    const { server, store } = await serve({ quotaBytes: 100_000 })
    const client = await connect(server.address().port)
    await client.putBuffer('a.bin', pattern(60_000, 5))
    expect((await rejection(client.putBuffer('b.bin', pattern(60_000, 6)))).code).toBe('QUOTA_EXCEEDED')
    await expect(store.stat('b.bin')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    // A server started later counts the bucket, not its own memory.
    const later = await serve({ quotaBytes: 100_000 })
    const other = await connect(later.server.address().port)
    expect((await rejection(other.putBuffer('c.bin', pattern(50_000, 7)))).code).toBe('QUOTA_EXCEEDED')
    await other.putBuffer('d.bin', pattern(30_000, 8))
    expect(await store.usage()).toBe(90_000)
  })

  it('the store going away mid-upload: STORE_UNAVAILABLE, nothing visible, the server serves on, and the upload resumes later', async () => {
    const endpoint = new URL(bucket.options().endpoint)
    let storeDown = false
    // While the store is "down", every new connection to it is reset at once.
    const mode = (): FaultMode =>
      storeDown ? { kind: 'reset', afterBytes: 0, direction: 'up' } : { kind: 'pass' }
    const gateway = await FaultProxy.start({
      target: { host: endpoint.hostname, port: Number(endpoint.port) },
      mode,
    })
    closers.push(() => gateway.close())
    const store = new S3Store(
      bucket.options({
        endpoint: `http://127.0.0.1:${gateway.port}`,
        partSizeBytes: PART,
        maxAttempts: 1,
        connectTimeoutMs: 1000,
      }),
    )
    const server = await FerryServer.start({ store })
    closers.push(() => server.close({ graceMs: 0 }))
    const starts: TransferEvent[] = []
    server.on('transfer', (e) => {
      if (e.state === 'started') starts.push(e)
    })
    // The client's bytes are held past two parts, until the store has recorded those parts: then it goes away.
    const hold = await FaultProxy.start({
      target: { host: '127.0.0.1', port: server.address().port },
      mode: { kind: 'pause', afterBytes: 2 * PART + 512 * 1024, direction: 'up' },
    })
    closers.push(() => hold.close())
    const client = await FerryClient.connect({ host: '127.0.0.1', port: hold.port })
    closers.push(() => client.close())

    const data = pattern(3 * PART + 123_456, 7)
    const file = path.join(local, 'big.bin')
    await fsp.writeFile(file, data)
    const upload = rejection(client.upload(file, 'big.bin', { retries: 0 }))
    await hold.nextFault()
    await expect.poll(() => recordedParts(bucket), { timeout: 30_000, interval: 100 }).toBe(2)
    storeDown = true
    gateway.dropAll()
    hold.release()
    const err = await upload
    const cut = true
    expect(cut).toBe(true)
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE' })

    // Nothing half-written is visible (checked behind the server's back, straight on the bucket).
    const direct = new S3Store(bucket.options({ partSizeBytes: PART }))
    closers.push(() => direct.close())
    expect((await direct.list('')).map((e) => e.name)).toEqual([])
    // The server still answers; what needs the store says so with the stable code.
    await expect(client.ping()).resolves.toBeGreaterThanOrEqual(0)
    await expect(client.list('')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })

    // The store is back: the same upload resumes from the parts the store kept, and lands whole.
    storeDown = false
    await client.upload(file, 'big.bin', { resume: true })
    expect(starts.at(-1)?.bytes).toBe(2 * PART)
    expect((await readAll(direct, 'big.bin')).equals(data)).toBe(true)
  })
})
