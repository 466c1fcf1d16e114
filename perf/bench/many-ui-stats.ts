// Pure arithmetic of the many-ui section: percentiles of the click-to-render times, the page's long tasks inside
// the job's time window, and how the numbers are printed. Kept apart from the Playwright runner so it can be
// tested without a browser.

export interface LatencySummary {
  count: number
  min: number
  median: number
  p95: number
  max: number
}

/**
 * Nearest-rank percentile (the smallest value with at least p% of the values at or below it), so it is always
 * one of the measured values: p95 of 20 clicks is the 19th fastest, not an interpolation. Null for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)))
  return sorted[rank - 1] ?? null
}

/** Min, median (mean of the middle two for an even count), nearest-rank p95 and max; null for no values. */
export function latencySummary(values: readonly number[]): LatencySummary | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const median =
    sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
  return {
    count: sorted.length,
    min: sorted[0] ?? 0,
    median,
    p95: percentile(sorted, 95) ?? 0,
    max: sorted[sorted.length - 1] ?? 0,
  }
}

export interface LongTask {
  /** performance.now() in the page when the task started, ms. */
  start: number
  ms: number
}

export interface StallSummary {
  /** Long tasks (main thread busy for more than 50 ms in one go) that overlap the window. */
  count: number
  longestMs: number
  totalMs: number
}

export interface TimeSpan {
  from: number
  to: number
}

/** The long tasks that overlap any of the spans (page clock, ms): how many, the longest and their sum. */
export function stallsWithin(tasks: readonly LongTask[], spans: readonly TimeSpan[]): StallSummary {
  const inside = tasks.filter((t) => spans.some((s) => t.start < s.to && t.start + t.ms > s.from))
  return {
    count: inside.length,
    longestMs: Math.max(0, ...inside.map((t) => t.ms)),
    totalMs: inside.reduce((sum, t) => sum + t.ms, 0),
  }
}

/** 3.14159 -> '3.1', 123.4 -> '123': one decimal below 100 ms, whole ms above. */
export function formatMs(ms: number): string {
  return ms >= 100 ? String(Math.round(ms)) : ms.toFixed(1)
}

/** 'min 8.1 / median 12.0 / p95 40.2 / max 51.0 ms' */
export function formatLatency(s: LatencySummary): string {
  return `min ${formatMs(s.min)} / median ${formatMs(s.median)} / p95 ${formatMs(s.p95)} / max ${formatMs(s.max)} ms`
}
