import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { HostEvent } from '../../preload/api'
import type { ServerTransfer } from './host-transfer-digest'
import {
  commonFolder,
  QUIET_MS,
  SHOWN_FROM_BYTES,
  TransferDigest,
  VISIBLE_AFTER_MS,
} from './host-transfer-digest'

type Transfer = Extract<HostEvent, { type: 'transfer' }>

let events: Transfer[]
let lines: Array<[string, string]>
let digest: TransferDigest

beforeEach(() => {
  vi.useFakeTimers()
  events = []
  lines = []
  digest = new TransferDigest({
    emit: (e) => {
      if (e.type === 'transfer') events.push(e)
    },
    log: (level, message) => lines.push([level, message]),
  })
})
afterEach(() => {
  digest.close()
  vi.useRealTimers()
})

function transfer(path: string, state: ServerTransfer['state'], bytes: number, extra = {}): ServerTransfer {
  return { clientId: 'c1', direction: 'download', path, state, bytes, total: bytes, ...extra }
}

/** A small file moved start to end at once, as a pipelined GET is. */
function small(path: string, bytes = 10, failed = false): void {
  digest.push(transfer(path, 'started', 0, { total: bytes }))
  digest.push(
    failed
      ? transfer(path, 'failed', 0, { total: bytes, error: { code: 'NOT_FOUND', message: 'gone' } })
      : transfer(path, 'done', bytes),
  )
}

describe('host transfer digest', () => {
  it('shows a lone small file as before, once the client has been quiet for a moment', () => {
    small('hello.txt', 2)
    expect(events).toEqual([])
    vi.advanceTimersByTime(QUIET_MS + 250)
    expect(events.map((e) => [e.path, e.state, e.bytes, e.files])).toEqual([
      ['hello.txt', 'started', 0, undefined],
      ['hello.txt', 'done', 2, undefined],
    ])
    expect(lines).toEqual([['info', 'download of /hello.txt done (2 bytes)']])
  })

  it('sums up a folder of 10,000 small files as one entry and a line a second', () => {
    for (let second = 0; second < 4; second++) {
      // 2,500 files a second, spread over the second the way a folder job delivers them.
      for (let tick = 0; tick < 10; tick++) {
        for (let i = 0; i < 250; i++) {
          const n = second * 2500 + tick * 250 + i
          small(`many/part${String(Math.floor(n / 500)).padStart(2, '0')}/file${n}.txt`, 4, n % 1000 === 7)
        }
        vi.advanceTimersByTime(100)
      }
    }
    vi.advanceTimersByTime(QUIET_MS + 250)

    // A few summaries, all of the same entry (one client, one direction), never an event per file.
    expect(events.length).toBeLessThan(20)
    expect(events.every((e) => e.files !== undefined)).toBe(true)
    expect(events.at(-1)).toEqual({
      type: 'transfer',
      clientId: 'c1',
      direction: 'download',
      path: 'many',
      state: 'done',
      bytes: 9990 * 4,
      total: 9990 * 4,
      files: { settled: 10_000, failed: 10 },
    })
    expect(events.slice(0, -1).every((e) => e.state === 'progress')).toBe(true)
    // The log: the first failures one by one, a line a second, and the outcome.
    expect(lines.length).toBeLessThan(15)
    expect(lines.filter(([, m]) => m.includes('failed: NOT_FOUND'))).toHaveLength(5)
    expect(lines.filter(([, m]) => m.endsWith('so far')).length).toBeGreaterThanOrEqual(3)
    expect(lines.at(-1)).toEqual(['warn', 'client c1: 10,000 files downloaded in /many (40.0 kB), 10 failed'])
  })

  it('shows a large file from its start, its progress and its own outcome', () => {
    const size = SHOWN_FROM_BYTES * 2
    digest.push(transfer('big.iso', 'started', 0, { total: size }))
    digest.push(transfer('big.iso', 'progress', size / 2, { total: size }))
    digest.push(transfer('big.iso', 'done', size, { total: size }))
    expect(events.map((e) => e.state)).toEqual(['started', 'progress', 'done'])
    expect(lines).toEqual([['info', `download of /big.iso done (${size} bytes)`]])
  })

  it('shows a file that lasts once it reports progress or after a second, with its start first', () => {
    digest.push(transfer('a.bin', 'started', 100, { total: 1000 }))
    digest.push(transfer('a.bin', 'progress', 500, { total: 1000 }))
    digest.push(transfer('b.bin', 'started', 0, { total: 1000 }))
    expect(events.map((e) => [e.path, e.state, e.bytes])).toEqual([
      ['a.bin', 'started', 100],
      ['a.bin', 'progress', 500],
    ])
    vi.advanceTimersByTime(VISIBLE_AFTER_MS + 250)
    expect(events.map((e) => [e.path, e.state])).toContainEqual(['b.bin', 'started'])
    digest.push(transfer('b.bin', 'failed', 10, { total: 1000, error: { code: 'TIMEOUT', message: 'idle' } }))
    expect(events.at(-1)).toMatchObject({ path: 'b.bin', state: 'failed' })
    expect(lines).toEqual([['warn', 'download of /b.bin failed: TIMEOUT: idle']])
  })

  it('closes a client summary when it leaves, and everything when hosting stops', () => {
    small('x/1')
    small('x/2')
    small('y/1', 10, false)
    digest.push({ ...transfer('up/1', 'started', 0), direction: 'upload' })
    digest.push({ ...transfer('up/1', 'done', 5), direction: 'upload' })
    digest.clientLeft('c1')
    expect(events).toEqual([
      expect.objectContaining({
        direction: 'download',
        path: '',
        state: 'done',
        files: { settled: 3, failed: 0 },
      }),
      expect.objectContaining({ direction: 'upload', path: 'up/1', state: 'started' }),
      expect.objectContaining({ direction: 'upload', path: 'up/1', state: 'done' }),
    ])
    small('later/1')
    small('later/2')
    digest.close()
    expect(events.at(-1)).toMatchObject({ path: 'later', state: 'done', files: { settled: 2, failed: 0 } })
    expect(lines.at(-1)).toEqual(['info', 'client c1: 2 files downloaded in /later (20 B)'])
    // Nothing is left to report: no timer keeps going.
    expect(vi.getTimerCount()).toBe(0)
  })

  it('finds the common folder of two paths', () => {
    expect(commonFolder('a/b/c', 'a/b/d')).toBe('a/b')
    expect(commonFolder('a/b', 'a/b')).toBe('a/b')
    expect(commonFolder('a', 'b')).toBe('')
    expect(commonFolder('', 'a/b')).toBe('')
    expect(commonFolder('ab/c', 'a/c')).toBe('')
  })
})
