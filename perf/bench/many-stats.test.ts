import { expect, it } from 'vitest'
import {
  decay,
  filesPerSec,
  formatChange,
  formatColumns,
  formatRate,
  formatRatio,
  rateSpread,
  ratio,
  spread,
  worstDecay,
} from './many-stats'

it('spreads values into min, median and max', () => {
  expect(spread([])).toBeNull()
  expect(spread([5])).toEqual({ min: 5, median: 5, max: 5 })
  expect(spread([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3 })
  expect(spread([4, 1, 3, 2])).toEqual({ min: 1, median: 2.5, max: 4 })
})

it('takes the rate spread over rates, so the slowest run is the minimum', () => {
  expect(filesPerSec(1000, 2000)).toBe(500)
  expect(filesPerSec(1000, 0)).toBe(0)
  expect(rateSpread(1000, [1000, 4000, 2000])).toEqual({ min: 250, median: 500, max: 1000 })
})

it('compares the last window of completions with the first', () => {
  // 10 ms apart for the first half, 20 ms apart after: the end runs at half the rate.
  const times = Array.from({ length: 20 }, (_, i) => (i < 10 ? i * 10 : 90 + (i - 9) * 20))
  const d = decay(times, 5)
  expect(d?.firstRate).toBeCloseTo(100)
  expect(d?.lastRate).toBeCloseTo(50)
  expect(d?.change).toBeCloseTo(-0.5)
  // Order does not matter (onFile reports files as they settle, in no particular order).
  expect(decay([...times].reverse(), 5)?.change).toBeCloseTo(-0.5)
})

it('measures whole batches, so a batch reported at once does not skew a window', () => {
  // 512 files settle within a fraction of a millisecond every 500 ms: a steady 1,024 files/s. A 1,000-file window
  // cut at file boundaries would hold one or two batches and read 0.5x or 2x that.
  const times = Array.from({ length: 10_240 }, (_, i) => Math.floor(i / 512) * 500 + (i % 512) * 0.001)
  const d = decay(times, 1000)
  expect(d?.firstRate).toBeCloseTo(1024, 0)
  expect(d?.lastRate).toBeCloseTo(1024, 0)
  expect(d?.change).toBeCloseTo(0)
  // The same batches arriving twice as far apart at the end: half the rate.
  const slower = times.map((x) => (x > 2600 ? 2600 + (x - 2600) * 2 : x))
  expect(decay(slower, 1000)?.change).toBeCloseTo(-0.5)
})

it('has no decay figure without two separate windows', () => {
  expect(decay([1, 2, 3], 2)).toBeNull()
  expect(decay([], 1000)).toBeNull()
  // One batch: nothing to measure a rate between.
  expect(decay([0, 0, 0, 0], 2)).toBeNull()
  // Three batches of four: the windows would overlap.
  expect(decay([0, 0, 0, 0, 10, 10, 10, 10, 20, 20, 20, 20], 5)).toBeNull()
})

it('picks the run whose end slowed down most', () => {
  const d = (change: number) => ({ window: 10, firstRate: 100, lastRate: 100 * (1 + change), change })
  expect(worstDecay([])).toBeNull()
  expect(worstDecay([null, undefined])).toBeNull()
  expect(worstDecay([d(-0.05), null, d(-0.2), d(0.1)])?.change).toBe(-0.2)
})

it('formats rates, ratios and changes', () => {
  expect(formatRate(1234.5)).toBe('1,235')
  expect(formatRate(65.84)).toBe('65.8')
  expect(formatRatio(0.4213)).toBe('0.42x')
  expect(formatRatio(null)).toBe('n/a')
  expect(formatRatio(Infinity)).toBe('n/a')
  expect(ratio(2, 4)).toBe(0.5)
  expect(ratio(2, 0)).toBeNull()
  expect(ratio(undefined, 4)).toBeNull()
  expect(formatChange(-0.234)).toBe('-23%')
  expect(formatChange(0.05)).toBe('+5%')
  expect(formatChange(0)).toBe('0%')
})

it('lines up columns without trailing spaces', () => {
  expect(
    formatColumns([
      ['a', 'bb', 'c'],
      ['aaa', 'b', ''],
    ]),
  ).toBe('a    bb  c\naaa  b')
})
