import { describe, expect, it } from 'vitest'
import { createLatencyHistogram, encodeHistogram, mergeEncoded, recordLatencyMs, summarize } from './latency'

describe('latency histograms', () => {
  it('an empty histogram summarizes to zeros', () => {
    const h = createLatencyHistogram()
    expect(summarize(h)).toEqual({ count: 0, meanMs: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, maxMs: 0 })
  })

  it('merging encoded histograms equals recording everything into one', () => {
    const a = createLatencyHistogram()
    const b = createLatencyHistogram()
    const all = createLatencyHistogram()
    for (let i = 1; i <= 900; i += 1) {
      recordLatencyMs(a, i / 10)
      recordLatencyMs(all, i / 10)
    }
    for (let i = 0; i < 100; i += 1) {
      recordLatencyMs(b, 500 + i)
      recordLatencyMs(all, 500 + i)
    }
    const merged = summarize(mergeEncoded([encodeHistogram(a), encodeHistogram(b)]))
    expect(merged).toEqual(summarize(all))
    expect(merged.count).toBe(1000)
    // 90% of the values are <= 90 ms and the slowest 10% are 500..599 ms.
    expect(merged.p50Ms).toBeCloseTo(50, 0)
    expect(merged.p95Ms).toBeGreaterThanOrEqual(500)
    expect(merged.p99Ms).toBeGreaterThanOrEqual(589)
    expect(merged.maxMs).toBeCloseTo(599, 0)
    expect(merged.meanMs).toBeCloseTo((45.05 * 900 + 549.5 * 100) / 1000, 0)
  })

  it('clamps absurd values instead of throwing', () => {
    const h = createLatencyHistogram()
    recordLatencyMs(h, -5)
    recordLatencyMs(h, 1e12)
    expect(summarize(h).count).toBe(2)
  })
})
