import { expect, it } from 'vitest'
import { summarizeProfile } from './profile-summary'

it('ranks functions by self time from the samples', () => {
  const frame = (functionName: string, url = 'file:///app/a.ts', lineNumber = 9) => ({
    functionName,
    url,
    lineNumber,
  })
  const summary = summarizeProfile({
    nodes: [
      { id: 1, callFrame: frame('(root)', '', -1), children: [2, 3] },
      { id: 2, callFrame: frame('hash') },
      { id: 3, callFrame: frame('', 'file:///app/b.ts', 0) },
    ],
    samples: [2, 2, 3, 2, 1],
    timeDeltas: [1000, 1000, 2000, 1000, 5000],
    startTime: 0,
    endTime: 10_000,
  })
  expect(summary.totalMs).toBe(10)
  expect(summary.hot).toEqual([
    { name: '(root)', where: '(native)', selfMs: 5, percent: 50 },
    { name: 'hash', where: '/app/a.ts:10', selfMs: 3, percent: 30 },
    { name: '(anonymous)', where: '/app/b.ts:1', selfMs: 2, percent: 20 },
  ])
})
