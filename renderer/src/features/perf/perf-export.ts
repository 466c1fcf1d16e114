import type { PerfPoint } from '../../../../preload/api'
import { echarts } from './echarts-setup'
import { buildPerfOption, LIGHT_COLORS } from './perf-chart-option'

const COLUMNS: Array<[keyof PerfPoint, string]> = [
  ['clients', 'clients'],
  ['requests', 'requests'],
  ['errors', 'errors'],
  ['timeouts', 'timeouts'],
  ['meanMs', 'mean_ms'],
  ['p50Ms', 'p50_ms'],
  ['p95Ms', 'p95_ms'],
  ['p99Ms', 'p99_ms'],
  ['maxMs', 'max_ms'],
  ['requestsPerSec', 'requests_per_sec'],
  ['mbPerSec', 'mb_per_sec'],
]

export function perfToCsv(points: readonly PerfPoint[]): string {
  const header = COLUMNS.map(([, name]) => name).join(',')
  const rows = [...points]
    .sort((a, b) => a.clients - b.clients)
    .map((p) => COLUMNS.map(([key]) => String(Number.isFinite(p[key]) ? p[key] : '')).join(','))
  return [header, ...rows].join('\n') + '\n'
}

/** Renders the chart with ECharts' SVG renderer on a detached instance (no DOM needed) and returns the markup. */
export function perfToSvg(points: readonly PerfPoint[], width = 800, height = 450): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height })
  try {
    chart.setOption(buildPerfOption(points, LIGHT_COLORS, false))
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}
