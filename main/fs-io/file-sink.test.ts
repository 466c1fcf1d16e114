import { randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import fsCallbacks from 'node:fs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FerryError } from '../protocol/error-codes'
import { FileSink, SyncSlots } from './file-sink'

let dir = ''
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ferry-file-sink-'))
})
afterEach(async () => {
  vi.restoreAllMocks()
  await fs.rm(dir, { recursive: true, force: true })
})

/** Splits data into chunks of varying sizes (1 byte up to 100 KiB), as socket reads arrive. */
function chunksOf(data: Buffer): Buffer[] {
  const out: Buffer[] = []
  for (let at = 0, i = 0; at < data.length; i++) {
    const n = Math.min(data.length - at, [1, 7, 4096, 65_536, 100_000][i % 5]!)
    out.push(data.subarray(at, at + n))
    at += n
  }
  return out
}

describe('FileSink', () => {
  it('writes every chunk in order from the start position, honouring its marks', async () => {
    const file = path.join(dir, 'part')
    const prefix = randomBytes(1000)
    await fs.writeFile(file, prefix)
    const data = randomBytes(3 * 1024 * 1024 + 5)
    const handle = await fs.open(file, 'r+')
    const high = 256 * 1024
    const low = 64 * 1024
    let pauses = 0
    let maxPending = 0
    try {
      const sink = new FileSink(handle.fd, prefix.length, {
        highWaterBytes: high,
        lowWaterBytes: low,
        maxBatchBytes: 96 * 1024,
      })
      for (const chunk of chunksOf(data)) {
        const room = sink.write(chunk)
        maxPending = Math.max(maxPending, sink.pendingBytes)
        expect(room).toBe(sink.pendingBytes < high)
        if (!room) {
          pauses++
          await sink.room()
          expect(sink.pendingBytes).toBeLessThanOrEqual(low)
        }
      }
      await sink.flush()
      expect(sink.pendingBytes).toBe(0)
      expect(sink.error).toBeNull()
    } finally {
      await handle.close()
    }
    expect(pauses).toBeGreaterThan(0)
    // Over the high mark by at most the chunk that crossed it.
    expect(maxPending).toBeLessThan(high + 100_000)
    expect((await fs.readFile(file)).equals(Buffer.concat([prefix, data]))).toBe(true)
  })

  it('flushes at once when nothing was written, and ignores empty chunks', async () => {
    const handle = await fs.open(path.join(dir, 'empty'), 'w')
    try {
      const sink = new FileSink(handle.fd, 0, { highWaterBytes: 10, lowWaterBytes: 5 })
      expect(sink.write(Buffer.alloc(0))).toBe(true)
      await sink.room()
      await sink.flush()
    } finally {
      await handle.close()
    }
    expect((await fs.stat(path.join(dir, 'empty'))).size).toBe(0)
  })

  it('reports a write error from flush and lets a waiting producer go', async () => {
    const file = path.join(dir, 'read-only')
    await fs.writeFile(file, 'x')
    const handle = await fs.open(file, 'r') // writes fail with EBADF
    try {
      const sink = new FileSink(handle.fd, 0, { highWaterBytes: 4, lowWaterBytes: 2 })
      expect(sink.write(Buffer.from('hello'))).toBe(false)
      await sink.room()
      await expect(sink.flush()).rejects.toMatchObject({ code: 'EBADF' })
      expect(sink.error).toMatchObject({ code: 'EBADF' })
      // After a failure, chunks are dropped and the producer is never held back.
      expect(sink.write(Buffer.from('more'))).toBe(true)
      expect(sink.pendingBytes).toBe(0)
    } finally {
      await handle.close()
    }
    expect(await fs.readFile(file, 'utf8')).toBe('x')
  })

  it('refuses marks that leave no room to resume', () => {
    expect(() => new FileSink(0, 0, { highWaterBytes: 4, lowWaterBytes: 4 })).toThrow(FerryError)
  })

  it('syncs in the background every syncEveryBytes, within the shared slots, and flush waits for it', async () => {
    const sync = vi.spyOn(fsCallbacks, 'fdatasync')
    const data = randomBytes(1024 * 1024)
    const run = async (name: string, slots: SyncSlots): Promise<void> => {
      const handle = await fs.open(path.join(dir, name), 'w')
      try {
        const sink = new FileSink(handle.fd, 0, {
          highWaterBytes: 64 * 1024,
          lowWaterBytes: 32 * 1024,
          maxBatchBytes: 16 * 1024,
          syncEveryBytes: 100 * 1024,
          syncSlots: slots,
        })
        for (const chunk of chunksOf(data)) if (!sink.write(chunk)) await sink.room()
        await sink.flush()
      } finally {
        await handle.close()
      }
      expect((await fs.readFile(path.join(dir, name))).equals(data)).toBe(true)
    }
    const slots = new SyncSlots(1)
    await run('synced', slots)
    expect(sync.mock.calls.length).toBeGreaterThan(0)
    expect(sync.mock.calls.length).toBeLessThanOrEqual(Math.ceil(data.length / (100 * 1024)))
    // The slot came back: another transfer can take it.
    expect(slots.tryTake()).toBe(true)
    sync.mockClear()
    await run('no slot free', slots)
    expect(sync).not.toHaveBeenCalled()
  })
})

describe('SyncSlots', () => {
  it('hands out at most max slots until they are released', () => {
    const slots = new SyncSlots(2)
    expect([slots.tryTake(), slots.tryTake(), slots.tryTake()]).toEqual([true, true, false])
    slots.release()
    expect(slots.tryTake()).toBe(true)
  })
})
