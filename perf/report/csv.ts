// CSV of a perf run: one row per client count, the columns of columns.ts (MB = 10^6 bytes).
import type { PerfPoint } from '../../preload/api'
import { COLUMNS } from './columns'

export function toCsv(points: readonly PerfPoint[]): string {
  const lines = [COLUMNS.map((c) => c.header).join(',')]
  for (const point of points) lines.push(COLUMNS.map((c) => String(point[c.key])).join(','))
  return `${lines.join('\n')}\n`
}
