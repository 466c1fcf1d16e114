import { describe, expect, it } from 'vitest'
import { ProgressMeter, type Progress } from './progress'

function meterWithClock(intervalMs = 100): {
  meter: ProgressMeter
  calls: Progress[]
  tick: (ms: number) => void
} {
  let now = 0
  const calls: Progress[] = []
  const meter = new ProgressMeter(
    (p) => calls.push(p),
    1000,
    intervalMs,
    () => now,
  )
  return { meter, calls, tick: (ms) => (now += ms) }
}

describe('ProgressMeter', () => {
  it('reports at most once per interval', () => {
    const { meter, calls, tick } = meterWithClock()
    tick(50)
    meter.advance(10)
    expect(calls).toEqual([])
    tick(50)
    meter.advance(10)
    expect(calls).toEqual([{ bytes: 20, total: 1000, rate: 200 }])
    tick(10)
    meter.advance(10)
    expect(calls.length).toBe(1)
  })

  it('smooths the rate instead of jumping to the latest sample', () => {
    const { meter, calls, tick } = meterWithClock()
    tick(100)
    meter.advance(100) // 1000 B/s
    tick(100)
    meter.advance(300) // 3000 B/s instantly
    const rate = calls[1]!.rate
    expect(rate).toBeGreaterThan(1000)
    expect(rate).toBeLessThan(3000)
  })

  it('does not count a resume jump as throughput', () => {
    const { meter, calls, tick } = meterWithClock()
    meter.jump(900)
    tick(100)
    meter.advance(10)
    expect(calls).toEqual([{ bytes: 910, total: 1000, rate: 100 }])
  })

  it('always makes a final call, with the average rate if none was measured yet', () => {
    const { meter, calls, tick } = meterWithClock()
    meter.advance(500)
    tick(20)
    meter.finish()
    expect(calls).toEqual([{ bytes: 500, total: 1000, rate: 25_000 }])
  })
})
