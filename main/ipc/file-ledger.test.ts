import { describe, expect, it } from 'vitest'
import type { TransferFileInfo } from '../../preload/api'
import { FileLedger, MAX_FILE_PAGE } from './file-ledger'

const done = (path: string): TransferFileInfo => ({ path, size: 1, state: 'done', error: null })
const failed = (path: string): TransferFileInfo => ({
  path,
  size: 1,
  state: 'failed',
  error: { code: 'NOT_FOUND', message: `${path}: gone` },
})

describe('FileLedger', () => {
  it('keeps every failure and a bounded ring of the latest files, listed failures first then newest first', () => {
    const ledger = new FileLedger(5)
    for (let i = 0; i < 12; i++) {
      const path = `f${i}`
      ledger.settle(path, i % 4 === 3 ? failed(path) : done(path))
    }
    const page = ledger.page(0, 100)
    expect(page.total).toBe(3 + 5)
    expect(page.files.map((f) => f.path)).toEqual(['f3', 'f7', 'f11', 'f10', 'f9', 'f8', 'f6', 'f5'])
    expect(ledger.page(4, 2).files.map((f) => f.path)).toEqual(['f9', 'f8'])
    expect(ledger.page(8, 10).files).toEqual([])
    // What a resume skips: every file done, not only the listed ones.
    expect(ledger.done.size).toBe(9)
    expect(ledger.done.has('f0')).toBe(true)
    expect(ledger.done.has('f3')).toBe(false)
  })

  it('starts a run afresh but keeps what was done, and survives a record round trip', () => {
    const ledger = new FileLedger(5)
    ledger.settle('a', done('a'))
    ledger.settle('b', failed('b'))
    const copy = new FileLedger()
    copy.restore(JSON.parse(JSON.stringify(ledger.record())))
    expect(copy.done).toEqual(new Set(['a']))
    expect(copy.page(0, 10).files).toEqual([failed('b')])
    ledger.startRun()
    expect(ledger.page(0, 10)).toEqual({ files: [], total: 0 })
    expect(ledger.done).toEqual(new Set(['a']))
  })

  it('never returns more than a page limit at once', () => {
    const ledger = new FileLedger(5000)
    for (let i = 0; i < 3000; i++) ledger.settle(`f${i}`, done(`f${i}`))
    expect(ledger.page(0, 1_000_000).files).toHaveLength(MAX_FILE_PAGE)
  })
})
