// Response time against concurrent clients as an SVG, rendered by ECharts on the server side (no DOM, no
// canvas), so the CLI and the app produce the same chart.
import * as echarts from 'echarts'
import { PERF_SERIES, type PerfPoint } from '../../preload/api'

export interface ChartOptions {
  title?: string
  subtitle?: string
  width?: number
  height?: number
}

export const CHART_SERIES = PERF_SERIES

export function renderLatencyChart(points: readonly PerfPoint[], options: ChartOptions = {}): string {
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: options.width ?? 900,
    height: options.height ?? 500,
  })
  try {
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      color: CHART_SERIES.map((s) => s.color),
      title: {
        text: options.title ?? 'Response time vs concurrent clients',
        subtext: options.subtitle ?? '',
        left: 'center',
      },
      // The legend sits below the title and its subtitle (two lines), never on them.
      legend: { top: 62, data: CHART_SERIES.map((s) => s.name) },
      grid: { top: 100, left: 70, right: 30, bottom: 60 },
      // Client counts usually double each step; a log axis spaces them evenly.
      xAxis: { type: 'log', logBase: 2, name: 'clients', nameLocation: 'middle', nameGap: 30 },
      yAxis: { type: 'value', name: 'response time (ms)' },
      series: CHART_SERIES.map((s) => ({
        name: s.name,
        type: 'line',
        symbolSize: 6,
        data: points.map((p) => [p.clients, p[s.key]]),
      })),
    })
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}
