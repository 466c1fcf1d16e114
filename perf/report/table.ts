// A plain-text table of a perf run for the terminal, numbers right-aligned.
import type { PerfPoint } from '../../preload/api'
import { COLUMNS } from './columns'

function cell(value: number): string {
  if (Number.isInteger(value)) return String(value)
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)
}

export function formatTable(points: readonly PerfPoint[]): string {
  const rows = [COLUMNS.map((c) => c.label), ...points.map((p) => COLUMNS.map((c) => cell(p[c.key])))]
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]): string => r.map((text, i) => text.padStart(widths[i] ?? 0)).join('  ')
  const [head, ...body] = rows
  const rule = widths.map((w) => '-'.repeat(w)).join('  ')
  return [line(head ?? []), rule, ...body.map(line)].join('\n')
}
