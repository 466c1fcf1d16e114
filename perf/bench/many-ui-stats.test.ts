import { expect, it } from 'vitest'
import { formatLatency, formatMs, latencySummary, percentile, stallsWithin } from './many-ui-stats'

it('takes nearest-rank percentiles, always one of the values', () => {
  expect(percentile([], 95)).toBeNull()
  expect(percentile([7], 95)).toBe(7)
  const twenty = Array.from({ length: 20 }, (_, i) => 20 - i) // 20 .. 1, unsorted on purpose
  expect(percentile(twenty, 95)).toBe(19)
  expect(percentile(twenty, 50)).toBe(10)
  expect(percentile(twenty, 100)).toBe(20)
  expect(percentile(twenty, 0)).toBe(1)
  expect(percentile([1, 2, 3], 95)).toBe(3)
})

it('summarizes click times into min, median, p95 and max', () => {
  expect(latencySummary([])).toBeNull()
  expect(latencySummary([30, 10, 20, 40])).toEqual({ count: 4, min: 10, median: 25, p95: 40, max: 40 })
  expect(latencySummary([5])).toEqual({ count: 1, min: 5, median: 5, p95: 5, max: 5 })
})

it('counts the long tasks that overlap a job span, partly or wholly', () => {
  const tasks = [
    { start: 0, ms: 60 }, // ends before the first span
    { start: 90, ms: 80 }, // runs into it
    { start: 150, ms: 300 }, // inside
    { start: 480, ms: 55 }, // between the spans
    { start: 990, ms: 70 }, // runs out of the second
  ]
  const spans = [
    { from: 100, to: 460 },
    { from: 600, to: 1000 },
  ]
  expect(stallsWithin(tasks, spans)).toEqual({ count: 3, longestMs: 300, totalMs: 450 })
  expect(stallsWithin(tasks, [])).toEqual({ count: 0, longestMs: 0, totalMs: 0 })
})

it('prints ms with one decimal below 100 and whole above', () => {
  expect(formatMs(3.14159)).toBe('3.1')
  expect(formatMs(99.96)).toBe('100.0')
  expect(formatMs(123.4)).toBe('123')
  expect(formatLatency({ count: 3, min: 8.14, median: 12, p95: 40.2, max: 251.6 })).toBe(
    'min 8.1 / median 12.0 / p95 40.2 / max 252 ms',
  )
})
