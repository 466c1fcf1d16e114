// Pure arithmetic of the many-files section: spreads over repeated runs, files/s, ratios and the per-file rate
// decay. Kept apart from the runners so it can be tested without moving a single file.

export interface Spread {
  min: number
  median: number
  max: number
}

/** Min, median (mean of the middle two for an even count) and max; null for no values. */
export function spread(values: readonly number[]): Spread | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const median =
    sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
  return { min: sorted[0] ?? 0, median, max: sorted[sorted.length - 1] ?? 0 }
}

export function filesPerSec(files: number, ms: number): number {
  return ms > 0 ? (files * 1000) / ms : 0
}

/** Files/s over runs: the slowest run gives the minimum rate, so the spread is taken over rates, not times. */
export function rateSpread(files: number, runMs: readonly number[]): Spread | null {
  return spread(runMs.map((ms) => filesPerSec(files, ms)))
}

export interface Decay {
  /** Files in each window. */
  window: number
  firstRate: number
  lastRate: number
  /** lastRate / firstRate - 1: -0.25 means the last files went 25% slower than the first. */
  change: number
}

/**
 * Per-file events closer together than this belong to one batch: a group of files made durable together is
 * reported in one synchronous loop (microseconds apart), while separate transfers are a network and disk
 * round trip apart.
 */
export const BATCH_GAP_MS = 1

/**
 * Rate of the last `window` completions against the first `window`, from per-file completion times (any order,
 * any clock in ms). Window edges sit on batch ends (see BATCH_GAP_MS), so a window holds whole batches (at least
 * `window` files) and runs from the end of the batch before it to the end of its last one: a batch of hundreds of
 * files reported at once would otherwise make a 1,000-file window look fast or slow depending on where its edge
 * cut. The first batch only marks the start, so the listing and planning before it do not make the start look
 * slow and hide a real decay. Where every event is its own batch this is simply the rate between completions.
 * Null when there are too few batches for two separate windows.
 */
export function decay(times: readonly number[], window: number): Decay | null {
  if (window < 1 || times.length < 2 * window) return null
  const t = [...times].sort((a, b) => a - b)
  const ends: number[] = []
  for (let i = 0; i < t.length; i += 1) {
    if (i === t.length - 1 || (t[i + 1] ?? 0) - (t[i] ?? 0) >= BATCH_GAP_MS) ends.push(i)
  }
  const firstStart = ends[0] ?? 0
  const firstEnd = ends.find((i) => i - firstStart >= window)
  const lastEnd = t.length - 1
  const lastStart = ends.findLast((i) => lastEnd - i >= window)
  if (firstEnd === undefined || lastStart === undefined || lastStart < firstEnd) return null
  const rate = (from: number, to: number): number => ((to - from) * 1000) / ((t[to] ?? 0) - (t[from] ?? 0))
  const firstRate = rate(firstStart, firstEnd)
  const lastRate = rate(lastStart, lastEnd)
  return { window, firstRate, lastRate, change: lastRate / firstRate - 1 }
}

/** The run whose end slowed down most, of those that have a decay figure. */
export function worstDecay(decays: ReadonlyArray<Decay | null | undefined>): Decay | null {
  let worst: Decay | null = null
  for (const d of decays) if (d && (worst === null || d.change < worst.change)) worst = d
  return worst
}

/** 1234.5 -> '1,235'; below 100 one decimal, so slow runs still show a difference. */
export function formatRate(rate: number): string {
  return rate >= 100 ? Math.round(rate).toLocaleString('en-US') : rate.toFixed(1)
}

/** A ratio as '0.42x'; 'n/a' when either side was not measured. */
export function formatRatio(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return 'n/a'
  return `${ratio.toFixed(2)}x`
}

export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b <= 0) return null
  return a / b
}

export function formatChange(change: number): string {
  const percent = Math.round(change * 100)
  return `${percent > 0 ? '+' : ''}${percent}%`
}

/** Left-aligned text columns separated by two spaces, like the bench's other plain tables. */
export function formatColumns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)))
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}
