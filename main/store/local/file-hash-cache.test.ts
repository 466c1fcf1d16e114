import { randomBytes } from 'node:crypto'
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { FileIdentity } from './file-identity'
import { FileHashCache } from './file-hash-cache'
import type { TransferEvent } from '../../server/events'
import { sha256, startTestServer, type TestServer } from '../../server/test-fixtures'
import type { TestPeer } from '../../server/test-peer'

const NOW = 1_700_000_000_123.5
const HASH = 'a'.repeat(64)

function id(fields: Partial<FileIdentity> = {}): FileIdentity {
  return { dev: 1, ino: 7, size: 4, mtimeMs: NOW - 60_000.25, ctimeMs: NOW - 60_000.25, ...fields }
}

describe('FileHashCache', () => {
  it('answers only while the identity is unchanged', () => {
    for (const changed of [{ ino: 8 }, { dev: 2 }, { mtimeMs: NOW - 1 }, { ctimeMs: NOW - 1 }, { size: 5 }]) {
      const cache = new FileHashCache()
      cache.offer(HASH, id(), id(), NOW)
      expect(cache.get(id())).toBe(HASH)
      expect(cache.get(id(changed))).toBeNull()
    }
    // A changed file under the same (dev, ino) also drops the stale entry.
    const cache = new FileHashCache()
    cache.offer(HASH, id(), id(), NOW)
    expect(cache.get(id({ size: 5 }))).toBeNull()
    expect(cache.get(id())).toBeNull()
  })

  it('does not record a file that changed during the read or just before it', () => {
    const cache = new FileHashCache()
    cache.offer(HASH, id(), id({ ctimeMs: NOW }), NOW)
    cache.offer(HASH, id({ ctimeMs: NOW - 50.5 }), id({ ctimeMs: NOW - 50.5 }), NOW)
    expect(cache.size).toBe(0)
  })

  it('holds at most maxEntries, least recently used out first', () => {
    const cache = new FileHashCache({ maxEntries: 2 })
    cache.offer(HASH, id({ ino: 1 }), id({ ino: 1 }), NOW)
    cache.offer(HASH, id({ ino: 2 }), id({ ino: 2 }), NOW)
    expect(cache.get(id({ ino: 1 }))).toBe(HASH)
    cache.offer(HASH, id({ ino: 3 }), id({ ino: 3 }), NOW)
    expect(cache.size).toBe(2)
    expect(cache.get(id({ ino: 2 }))).toBeNull()
    expect(cache.get(id({ ino: 1 }))).toBe(HASH)
  })
})

describe('GET with the whole-file hash cache', () => {
  let ts: TestServer
  // A file written moments ago counts as settled here, so the test need not wait out the timestamp tick.
  const settledNow = () => new FileHashCache({ settledMs: -60_000, coarseSettledMs: -60_000 })
  afterEach(() => ts?.stop())

  const get = async (peer: TestPeer, name: string, offset = 0) => {
    const head = await peer.request({ op: 'GET', id: 1, path: name, offset })
    const done = await peer.next()
    const body = head.body ?? Buffer.alloc(0)
    // Hex digests compare cheaply; toEqual on multi-MiB buffers would take seconds.
    return { body: sha256(body), sha256: done.header['sha256'], length: body.length }
  }

  it('records the hash of a whole read and serves repeats and resumes with it', async () => {
    const cache = settledNow()
    ts = await startTestServer({ fileHashCache: cache })
    const data = randomBytes(3 * 1024 * 1024 + 17)
    await fsp.writeFile(path.join(ts.root, 'big.bin'), data)
    const peer = await ts.peer()
    expect(await get(peer, 'big.bin')).toEqual({
      body: sha256(data),
      sha256: sha256(data),
      length: data.length,
    })
    expect(cache.size).toBe(1)
    expect(await get(peer, 'big.bin', 1000)).toEqual({
      body: sha256(data.subarray(1000)),
      sha256: sha256(data),
      length: data.length - 1000,
    })
  })

  it('vouches for the recorded hash, so a wrong entry shows as a mismatch at the client', async () => {
    // Proves the cached value is what gets sent (the server did not hash): the client's check catches a bad one.
    const cache = new FileHashCache()
    ts = await startTestServer({ fileHashCache: cache })
    const data = randomBytes(1024 * 1024)
    const file = path.join(ts.root, 'big.bin')
    await fsp.writeFile(file, data)
    const stats = await fsp.stat(file)
    cache.offer(HASH, stats, stats, stats.ctimeMs + 60_000)
    const peer = await ts.peer()
    expect(await get(peer, 'big.bin')).toEqual({ body: sha256(data), sha256: HASH, length: data.length })
  })

  it('hashes afresh after the file is rewritten', async () => {
    const cache = settledNow()
    ts = await startTestServer({ fileHashCache: cache })
    const file = path.join(ts.root, 'big.bin')
    await fsp.writeFile(file, randomBytes(1024 * 1024))
    const peer = await ts.peer()
    await get(peer, 'big.bin')
    const next = randomBytes(1024 * 1024 + 1)
    await fsp.writeFile(file, next)
    expect(await get(peer, 'big.bin')).toEqual({
      body: sha256(next),
      sha256: sha256(next),
      length: next.length,
    })
  })

  it('drops the connection instead of vouching for a file that changed while it was sent', async () => {
    const cache = settledNow()
    ts = await startTestServer({ fileHashCache: cache })
    const file = path.join(ts.root, 'big.bin')
    const size = 32 * 1024 * 1024
    await fsp.writeFile(file, Buffer.alloc(size, 7))
    const first = await ts.peer()
    await get(first, 'big.bin')
    expect(cache.size).toBe(1)
    // The peer stops reading, so the server cannot finish the 32 MiB body (and its fstat after it) until the
    // file has changed.
    const peer = await ts.peer()
    const started = new Promise<void>((resolve) => {
      const onTransfer = (event: TransferEvent) => {
        if (event.state !== 'started' || event.path !== 'big.bin') return
        ts.server.off('transfer', onTransfer)
        resolve()
      }
      ts.server.on('transfer', onTransfer)
    })
    peer.socket.pause()
    peer.send({ op: 'GET', id: 1, path: 'big.bin' })
    await started
    await fsp.appendFile(file, 'x')
    peer.socket.resume()
    const frames = await peer.drainUntilClosed()
    expect(frames.map((f) => f.header['done'])).not.toContain(true)
    // The server keeps serving: a fresh GET hashes the changed file.
    const again = await get(await ts.peer(), 'big.bin')
    expect(again.length).toBe(size + 1)
    expect(again.sha256).toBe(again.body)
  })
})
