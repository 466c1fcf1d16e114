// Streamed uploads against the real FerryServer, through a proxy that records the frames and can cut the first
// connection: round trips, resume from the server's partial (in the same client and in a fresh one, as after an
// app restart), a partial that no longer matches the local file, and a file changing under the upload.
import { createHash, randomBytes } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FerryClient } from './ferry-client'
import { codeOf, setupRealServer } from './test-fixtures'
import { startProxy, type ProxyOptions, type TestProxy } from './test-proxy'

const fx = setupRealServer('ferry-client-upr-')
const SIZE = 16 * 1024 * 1024
let proxy: TestProxy | null = null
const extra: FerryClient[] = []

afterEach(async () => {
  await Promise.all(extra.splice(0).map((c) => c.close()))
  await proxy?.close()
  proxy = null
})

const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

async function viaProxy(options: ProxyOptions = {}): Promise<FerryClient> {
  proxy ??= await startProxy(fx.server!.address().port, options)
  const client = await FerryClient.connect({ host: '127.0.0.1', port: proxy.port })
  extra.push(client)
  return client
}

/** A local file with a whole-second mtime, so a test can edit it and give it back the very same mtime. */
async function localFile(data: Buffer, name = 'big.bin'): Promise<string> {
  const file = path.join(fx.local, name)
  await fs.writeFile(file, data)
  await fs.utimes(file, 1_700_000_000, 1_700_000_000)
  return file
}

/** Client frame headers of one proxied connection with the given op. */
function up(connection: number, op: string): Array<Record<string, unknown>> {
  return (proxy?.headers[connection]?.up ?? []).filter((h) => h['op'] === op)
}

const partials = async (): Promise<string[]> =>
  fs.readdir(path.join(fx.share, '.ferry', 'partial')).catch(() => [])

describe('streamed upload to the real server', () => {
  it.each([0, 1, 3 * 1024 * 1024 + 5])('round trip of %i bytes, hash checked on both ends', async (size) => {
    await fx.start()
    const client = await viaProxy()
    const data = randomBytes(size)
    const result = await client.upload(await localFile(data), 'r.bin')
    expect(result).toEqual({ path: 'r.bin', size, sha256: sha(data) })
    expect((await fs.readFile(path.join(fx.share, 'r.bin'))).equals(data)).toBe(true)
    const [put] = up(0, 'PUT')
    expect(put?.['sha256']).toBeUndefined()
    expect(up(0, 'DATA_END')[0]?.['sha256']).toBe(sha(data))
  })

  it('resumes after a drop mid-body, sending only what the server lacks', async () => {
    await fx.start()
    const client = await viaProxy({ cut: { connection: 0, direction: 'up', bytes: 5 * 1024 * 1024 } })
    const data = randomBytes(SIZE)
    const result = await client.upload(await localFile(data), 'big.bin')
    expect(result.sha256).toBe(sha(data))
    expect((await fs.readFile(path.join(fx.share, 'big.bin'))).equals(data)).toBe(true)
    const ready = proxy!.headers[1]?.down.find((h) => h['ready'] === true)
    expect(ready?.['offset']).toBeGreaterThan(0)
    expect(ready?.['prefixSha256']).toBe(sha(data.subarray(0, ready?.['offset'] as number)))
    const second = up(1, 'DATA')[0]?.['body'] as number
    expect(second).toBe(SIZE - (ready?.['offset'] as number))
    expect(second).toBeLessThan(SIZE)
    expect(await partials()).toEqual([])
  })

  it('a fresh client (as after an app restart) finds the same partial and continues it', async () => {
    await fx.start()
    const data = randomBytes(SIZE)
    const file = await localFile(data)
    const first = await viaProxy({ cut: { connection: 0, direction: 'up', bytes: 5 * 1024 * 1024 } })
    expect(await codeOf(first.upload(file, 'big.bin', { retries: 0 }))).toBe('CONNECTION_CLOSED')
    expect(await partials()).toHaveLength(1)
    const later = await viaProxy()
    await later.upload(file, 'big.bin')
    expect((await fs.readFile(path.join(fx.share, 'big.bin'))).equals(data)).toBe(true)
    expect(up(1, 'PUT')[0]?.['uploadKey']).toBe(up(0, 'PUT')[0]?.['uploadKey'])
    expect(up(1, 'DATA')[0]?.['body']).toBeLessThan(SIZE)
  })

  it('restarts from 0 when the partial no longer matches the edited file, storing the new content', async () => {
    await fx.start()
    const data = randomBytes(SIZE)
    const file = await localFile(data)
    const first = await viaProxy({ cut: { connection: 0, direction: 'up', bytes: 5 * 1024 * 1024 } })
    expect(await codeOf(first.upload(file, 'big.bin', { retries: 0 }))).toBe('CONNECTION_CLOSED')
    // Edited in place early in the file, same size, mtime given back: the upload key stays the same.
    const edited = Buffer.from(data)
    edited[100] = (edited[100] ?? 0) ^ 0xff
    const handle = await fs.open(file, 'r+')
    await handle.write(edited, 100, 1, 100)
    await handle.close()
    await fs.utimes(file, 1_700_000_000, 1_700_000_000)

    const later = await viaProxy()
    const result = await later.upload(file, 'big.bin')
    expect(result.sha256).toBe(sha(edited))
    expect((await fs.readFile(path.join(fx.share, 'big.bin'))).equals(edited)).toBe(true)
    const puts = up(1, 'PUT')
    expect(puts.map((p) => [p['uploadKey'], p['resume']])).toEqual([
      [up(0, 'PUT')[0]?.['uploadKey'], true],
      [up(0, 'PUT')[0]?.['uploadKey'], false],
    ])
    expect(proxy!.headers[1]?.down.find((h) => h['ready'] === true)?.['offset']).toBeGreaterThan(0)
    expect(up(1, 'CANCEL')).toEqual([expect.objectContaining({ discard: true })])
    expect(up(1, 'DATA')[0]?.['body']).toBe(SIZE)
    expect(await partials()).toEqual([])
  })

  it('a file that changes during the upload fails SIZE_MISMATCH and leaves nothing on the server', async () => {
    const client = await fx.start()
    const file = await localFile(randomBytes(SIZE))
    let touched = false
    const pending = client.upload(file, 'big.bin', {
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.bytes > 0 && !touched) {
          touched = true
          appendFileSync(file, 'written while uploading')
        }
      },
    })
    expect(await codeOf(pending)).toBe('SIZE_MISMATCH')
    expect(touched).toBe(true)
    expect(await fs.readdir(fx.share)).toEqual(['.ferry'])
    // The CANCEL with discard is answered once the partial is gone.
    expect(await partials()).toEqual([])
    expect(await client.ping()).toBeGreaterThanOrEqual(0)
  })

  it('the up-front form (putBuffer) still works next to streamed uploads', async () => {
    const client = await fx.start()
    const data = randomBytes(10_000)
    expect(await client.putBuffer('small.bin', data)).toEqual({
      path: 'small.bin',
      size: 10_000,
      sha256: sha(data),
    })
    expect((await client.getBuffer('small.bin')).equals(data)).toBe(true)
  })
})
