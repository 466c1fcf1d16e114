// Writes the files of a perf run into one folder: results.json, results.csv and latency.svg.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { PerfPoint } from '../../preload/api'
import { renderLatencyChart } from './chart-svg'
import { toCsv } from './csv'
import type { RunMeta } from './json'
import { toJson } from './json'

export interface ReportFiles {
  json: string
  csv: string
  svg: string
}

export async function writeReport(
  dir: string,
  meta: RunMeta,
  points: readonly PerfPoint[],
): Promise<ReportFiles> {
  await mkdir(dir, { recursive: true })
  const files: ReportFiles = {
    json: join(dir, 'results.json'),
    csv: join(dir, 'results.csv'),
    svg: join(dir, 'latency.svg'),
  }
  const subtitle = `${meta.mix} ${meta.sizeBytes} B, ${meta.requests} requests per step, target ${meta.target}`
  await Promise.all([
    writeFile(files.json, toJson(meta, points)),
    writeFile(files.csv, toCsv(points)),
    writeFile(files.svg, renderLatencyChart(points, { subtitle })),
  ])
  return files
}

/** perf-results/<timestamp>/ with a timestamp that sorts and is safe in file names. */
export function defaultOutDir(now = new Date(), base = 'perf-results'): string {
  return join(base, now.toISOString().replace(/[:.]/g, '-'))
}
