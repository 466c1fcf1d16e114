// The chart's option, built from perf points: response time (ms) against concurrent clients, one line each
// for mean, p50 and p99. Pure, so it is tested without a canvas.
import type { PerfPoint } from '../../../../preload/api'

export interface ChartColors {
  text: string
  grid: string
  background: string
}

export const LIGHT_COLORS: ChartColors = { text: '#1f2328', grid: '#d0d7de', background: '#ffffff' }
export const DARK_COLORS: ChartColors = { text: '#e6edf3', grid: '#30363d', background: '#0d1117' }

export const SERIES = [
  { key: 'meanMs', name: 'mean' },
  { key: 'p50Ms', name: 'p50' },
  { key: 'p99Ms', name: 'p99' },
] as const

export function buildPerfOption(points: readonly PerfPoint[], colors: ChartColors, animate = true) {
  const sorted = [...points].sort((a, b) => a.clients - b.clients)
  return {
    animation: animate,
    // Distinct in both colour schemes (ECharts' default third colour vanishes on a dark background).
    color: ['#3b82f6', '#22a06b', '#e5484d'],
    backgroundColor: colors.background,
    textStyle: { color: colors.text },
    title: {
      text: 'Response time vs concurrent clients',
      left: 'center',
      textStyle: { color: colors.text, fontSize: 14 },
    },
    tooltip: { trigger: 'axis' as const, valueFormatter: (v: unknown) => `${Number(v).toFixed(2)} ms` },
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
