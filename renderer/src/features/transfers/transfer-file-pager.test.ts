import { describe, expect, it } from 'vitest'
import type { TransferFileInfo, TransferFilePage } from '../../../../preload/api'
import { FILE_PAGE, REFRESH_MS, TransferFilePager } from './transfer-file-pager'

function fakeLoad(total: number) {
  let round = 0
  const calls: Array<[number, number]> = []
  const waiting: Array<() => void> = []
  const load = (offset: number, limit: number): Promise<TransferFilePage> => {
    calls.push([offset, limit])
    const tag = round
    return new Promise((resolve) => {
      waiting.push(() => {
        const files: TransferFileInfo[] = Array.from(
          { length: Math.max(0, Math.min(limit, total - offset)) },
          (_, i) => ({
            path: `r${tag}/f${offset + i}`,
            size: 1,
            state: 'done',
            error: null,
          }),
        )
        resolve({ files, total })
      })
    })
  }
  const answerAll = async () => {
    for (const answer of waiting.splice(0)) answer()
    await new Promise((r) => setTimeout(r, 0))
  }
  return { load, calls, answerAll, nextRound: () => (round += 1) }
}

describe('TransferFilePager', () => {
  it('fetches the pages on screen once each, and nothing before they are asked for', async () => {
    const f = fakeLoad(1000)
    const pager = new TransferFilePager(f.load)
    expect(f.calls).toEqual([])
    pager.ensure(0, 20)
    pager.ensure(0, 20)
    expect(f.calls).toEqual([[0, FILE_PAGE]])
    await f.answerAll()
    expect(pager.total).toBe(1000)
    expect(pager.fileAt(5)?.path).toBe('r0/f5')
    pager.ensure(95, 130)
    expect(f.calls).toEqual([
      [0, FILE_PAGE],
      [100, FILE_PAGE],
    ])
  })

  it('refetches only the visible pages when invalidated, at most once a second', async () => {
    let now = 10_000
    const f = fakeLoad(1000)
    const pager = new TransferFilePager(f.load, () => now)
    let renders = 0
    pager.subscribe(() => renders++)
    pager.ensure(0, 10)
    pager.ensure(500, 510)
    await f.answerAll()
    expect(renders).toBe(2)
    expect(pager.refreshIn()).toBe(0)
    f.nextRound()
    pager.invalidate()
    expect(f.calls.slice(2)).toEqual([[500, FILE_PAGE]])
    expect(pager.refreshIn()).toBe(REFRESH_MS)
    now += 400
    expect(pager.refreshIn()).toBe(REFRESH_MS - 400)
    // The old page stays on screen until its replacement arrives.
    expect(pager.fileAt(505)?.path).toBe('r0/f505')
    await f.answerAll()
    expect(pager.fileAt(505)?.path).toBe('r1/f505')
    // Page 0 scrolled back into view is stale, and is fetched again.
    pager.ensure(0, 10)
    expect(f.calls.at(-1)).toEqual([0, FILE_PAGE])
  })
})
