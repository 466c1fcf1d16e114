// What the s3 phase reports, its summary lines and its verdicts: Ferry over S3 at >= 0.8x the SDK alone each way,
// and the Ferry server's peak RSS flat in the file size (the largest file against the smallest).
import { formatBytes } from '../units'
import { GOALS, type Verdict } from './targets'

export interface S3Round {
  sdkPutMBps: number
  sdkGetMBps: number
  /** An S3Store driven in-process, no server or protocol: the store's own share. */
  storePutMBps: number
  storeGetMBps: number
  /** The Ferry client against a Ferry server over an S3Store, from and to disk. */
  ferryPutMBps: number
  ferryGetMBps: number
  /** The Ferry server's peak RSS (bytes) during its PUT and during its GET. */
  putPeakRss: number
  getPeakRss: number
}

/** Medians over the rounds of one file size. */
export interface S3SizeReport {
  bytes: number
  rounds: S3Round[]
  sdkPutMBps: number
  sdkGetMBps: number
  storePutMBps: number
  storeGetMBps: number
  ferryPutMBps: number
  ferryGetMBps: number
  /** Median over the rounds of each round's Ferry / SDK. */
  putRatio: number
  getRatio: number
  peakRss: number
}

export interface S3Report {
  /** host:port of the store (never credentials). */
  endpointHost: string
  partBytes: number
  partsInFlight: number
  /** The Ferry server's RSS before any transfer. */
  idleRss: number
  sizes: S3SizeReport[]
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  if (sorted.length === 0) return 0
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

/** ' (min-max)' over the rounds, when they differ. */
function spread(values: readonly number[]): string {
  const low = Math.min(...values)
  const high = Math.max(...values)
  return values.length > 1 && low !== high ? ` (${low}-${high})` : ''
}

export function formatS3Report(report: S3Report): string {
  const lines = [
    `s3 on ${report.endpointHost}, ${formatBytes(report.partBytes)} parts, ${report.partsInFlight} in flight; server idle RSS ${formatBytes(report.idleRss)}`,
  ]
  for (const s of report.sizes) {
    const all = (pick: (r: S3Round) => number): string => spread(s.rounds.map(pick))
    lines.push(
      `  ${formatBytes(s.bytes)} x${s.rounds.length}: PUT sdk ${s.sdkPutMBps}${all((r) => r.sdkPutMBps)}, store ${s.storePutMBps}${all((r) => r.storePutMBps)}, ferry ${s.ferryPutMBps}${all((r) => r.ferryPutMBps)} MB/s (${s.putRatio}x)`,
      `  ${' '.repeat(formatBytes(s.bytes).length)}    GET sdk ${s.sdkGetMBps}${all((r) => r.sdkGetMBps)}, store ${s.storeGetMBps}${all((r) => r.storeGetMBps)}, ferry ${s.ferryGetMBps}${all((r) => r.ferryGetMBps)} MB/s (${s.getRatio}x); server peak RSS ${formatBytes(s.peakRss)}`,
    )
  }
  return lines.join('\n')
}

export function s3Verdicts(report: S3Report): Verdict[] {
  const verdicts: Verdict[] = []
  const largest = report.sizes.at(-1)
  const smallest = report.sizes[0]
  if (!largest || !smallest) return verdicts
  const size = formatBytes(largest.bytes)
  const atLeast = (name: string, value: number): void => {
    verdicts.push({ name, value, unit: 'x', target: `>= ${GOALS.bulkRatio}`, pass: value >= GOALS.bulkRatio })
  }
  atLeast(`s3 ${size} PUT: ferry vs SDK alone`, largest.putRatio)
  atLeast(`s3 ${size} GET: ferry vs SDK alone`, largest.getRatio)
  if (largest !== smallest) {
    const growth = Math.round((largest.peakRss - smallest.peakRss) / 1e5) / 10
    verdicts.push({
      name: `s3 server peak RSS growth, ${formatBytes(smallest.bytes)} -> ${size}`,
      value: growth,
      unit: 'MB',
      target: `< ${GOALS.rssGrowthMB}`,
      pass: growth < GOALS.rssGrowthMB,
    })
  }
  return verdicts
}
