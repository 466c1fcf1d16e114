// The store going away under a running server (issue 9, "Bad input and faults"): a FerryServer over an S3Store that
// reaches the real Ceph through a TCP proxy. Cutting the proxy mid-upload gives the client STORE_UNAVAILABLE,
// leaves nothing visible, keeps the server serving, and once the store is back the same upload resumes from
// what the store kept and lands byte for byte. Without FERRY_S3_ENDPOINT the suite skips and says why.
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FerryClient } from '../client'
import { readAll } from '../store/conformance/conformance-kit'
import { MIN_PART_BYTES } from '../store/s3/s3-context'
import { S3Store } from '../store/s3/s3-store'
import { createTestBucket, recordedParts, S3_SKIP_REASON, type TestBucket } from '../store/s3/s3-test-kit'
import { FaultProxy, type FaultMode } from '../testing/fault-proxy'
import { pattern, rejection, tempDir } from '../testing/harness'
import type { TransferEvent } from './events'
import { FerryServer } from './ferry-server'

const PART = MIN_PART_BYTES
const suite =
  S3_SKIP_REASON === null ? 'the store goes away' : `the store goes away (skipped: ${S3_SKIP_REASON})`

describe.skipIf(S3_SKIP_REASON !== null)(suite, () => {
  let bucket: TestBucket
  let local: string
  const closers: (() => Promise<void>)[] = []

  beforeEach(async () => {
    bucket = await createTestBucket()
    local = await tempDir('ferry-s3-outage-')
  })
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close()
    await bucket.cleanup()
    await fsp.rm(local, { recursive: true, force: true })
  })

  it('mid-upload: STORE_UNAVAILABLE, nothing visible, the server serves on, and the upload resumes later', async () => {
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
