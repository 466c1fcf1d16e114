// Latency histograms: each load thread records into its own HDR histogram (microseconds) and ships it to the
// coordinator encoded, where they are merged, so percentiles are exact over all requests instead of averaged.
import * as hdr from 'hdr-histogram-js'

/** Values are microseconds; one hour is far beyond any request we would wait for. */
const HIGHEST_TRACKABLE_US = 3_600_000_000

export type LatencyHistogram = hdr.Histogram

export function createLatencyHistogram(): LatencyHistogram {
  return hdr.build({
    bitBucketSize: 'packed',
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  })
}

export function recordLatencyMs(histogram: LatencyHistogram, ms: number): void {
  // Clamp so a clock oddity can never throw inside the hot loop.
  const us = Math.min(HIGHEST_TRACKABLE_US, Math.max(1, Math.round(ms * 1000)))
  histogram.recordValue(us)
}

export function encodeHistogram(histogram: LatencyHistogram): string {
  return hdr.encodeIntoCompressedBase64(histogram)
}

export function mergeEncoded(encoded: readonly string[]): LatencyHistogram {
  const merged = createLatencyHistogram()
  for (const text of encoded) {
    const part = hdr.decodeFromCompressedBase64(text, 'packed', false)
    merged.add(part)
    part.destroy()
  }
  return merged
}

export interface LatencySummary {
  count: number
  meanMs: number
  p50Ms: number
  p95Ms: number
  p99Ms: number
  maxMs: number
}

export function summarize(histogram: LatencyHistogram): LatencySummary {
  const count = histogram.totalCount
  if (count === 0) return { count: 0, meanMs: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, maxMs: 0 }
  const ms = (us: number): number => Math.round(us) / 1000
  return {
    count,
    meanMs: ms(histogram.mean),
    p50Ms: ms(histogram.getValueAtPercentile(50)),
    p95Ms: ms(histogram.getValueAtPercentile(95)),
    p99Ms: ms(histogram.getValueAtPercentile(99)),
    // The bucket's highest equivalent value, like the percentiles (and stable across merging).
    maxMs: ms(histogram.getValueAtPercentile(100)),
  }
}
