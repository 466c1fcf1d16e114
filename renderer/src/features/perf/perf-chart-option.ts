// The chart's option, built from perf points: response time (ms) against concurrent clients, one line each
// for mean, p50 and p99. Pure, so it is tested without a canvas.
import { PERF_SERIES, type PerfPoint } from '../../../../preload/api'

export interface ChartColors {
  text: string
  grid: string
  background: string
}

export const LIGHT_COLORS: ChartColors = { text: '#1f2328', grid: '#d0d7de', background: '#ffffff' }
export const DARK_COLORS: ChartColors = { text: '#e6edf3', grid: '#30363d', background: '#0d1117' }

export const SERIES = PERF_SERIES

/** One line of an axis tooltip, as ECharts passes it. */
export interface TooltipParam {
  seriesName?: string
  marker?: unknown
  value?: unknown
  axisValue?: unknown
}

function millis(value: unknown): string {
  const y = Array.isArray(value) ? Number(value[1]) : Number(value)
  return Number.isFinite(y) ? `${y.toFixed(2)} ms` : '-'
}

/** "4 clients" over one "mean: 2.72 ms" line per series (ECharts' default ran name and value together). */
export function formatTooltip(params: TooltipParam | TooltipParam[]): string {
  const list = Array.isArray(params) ? params : [params]
  const first = list[0]
  const x = Array.isArray(first?.value) ? Number(first.value[0]) : Number(first?.axisValue)
  const head = Number.isFinite(x) ? `${Math.round(x)} ${Math.round(x) === 1 ? 'client' : 'clients'}` : ''
  const lines = list.map((p) => {
    const marker = typeof p.marker === 'string' ? p.marker : ''
    return `${marker}${p.seriesName ?? ''}: ${millis(p.value)}`
  })
  return [head, ...lines].filter((line) => line !== '').join('<br/>')
}

export function buildPerfOption(points: readonly PerfPoint[], colors: ChartColors, animate = true) {
  const sorted = [...points].sort((a, b) => a.clients - b.clients)
  return {
    animation: animate,
    // The same colours as the CLI's latency.svg (ECharts' default third colour vanishes on a dark background).
    color: SERIES.map((s) => s.color),
    backgroundColor: colors.background,
    textStyle: { color: colors.text },
    title: {
      text: 'Response time vs concurrent clients',
      left: 'center',
      textStyle: { color: colors.text, fontSize: 14 },
    },
    tooltip: { trigger: 'axis' as const, formatter: formatTooltip },
    legend: { top: 28, textStyle: { color: colors.text } },
    grid: { left: 60, right: 24, top: 64, bottom: 48 },
    xAxis: {
      type: 'log' as const,
      logBase: 2,
      name: 'clients',
      nameLocation: 'middle' as const,
      nameGap: 28,
      min: 1,
      axisLine: { lineStyle: { color: colors.grid } },
      axisLabel: { color: colors.text },
      splitLine: { lineStyle: { color: colors.grid } },
    },
    yAxis: {
      type: 'value' as const,
      name: 'ms',
      min: 0,
      axisLine: { lineStyle: { color: colors.grid } },
      axisLabel: { color: colors.text },
      splitLine: { lineStyle: { color: colors.grid } },
    },
    series: SERIES.map((s) => ({
      name: s.name,
      type: 'line' as const,
      showSymbol: true,
      data: sorted.map((p) => [p.clients, p[s.key]] as [number, number]),
    })),
  }
}

export type PerfOption = ReturnType<typeof buildPerfOption>
