// The live chart on a canvas. The parent gets a handle to export it as PNG.
import { useEffect, useImperativeHandle, useRef, useSyncExternalStore, type Ref } from 'react'
import type { PerfPoint } from '../../../../preload/api'
import { echarts } from './echarts-setup'
import { buildPerfOption, DARK_COLORS, LIGHT_COLORS } from './perf-chart-option'

export interface PerfChartHandle {
  toPngDataUrl(): string | null
}

const DARK_QUERY = '(prefers-color-scheme: dark)'

function prefersDark(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia(DARK_QUERY).matches
}

function subscribeColorScheme(onChange: () => void): () => void {
  if (typeof window.matchMedia !== 'function') return () => undefined
  const query = window.matchMedia(DARK_QUERY)
  query.addEventListener('change', onChange)
  return () => query.removeEventListener('change', onChange)
}

export function PerfChart({ points, ref }: { points: readonly PerfPoint[]; ref?: Ref<PerfChartHandle> }) {
  const el = useRef<HTMLDivElement>(null)
  const chart = useRef<echarts.ECharts | null>(null)
  // The canvas cannot use CSS variables, so the chart follows the colour scheme by re-rendering on change.
  const dark = useSyncExternalStore(subscribeColorScheme, prefersDark)

  useEffect(() => {
    if (!el.current) return
    const instance = echarts.init(el.current, null, { renderer: 'canvas' })
    chart.current = instance
    const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(() => instance.resize()) : null
    observer?.observe(el.current)
    return () => {
      observer?.disconnect()
      instance.dispose()
      chart.current = null
    }
  }, [])

  useEffect(() => {
    chart.current?.setOption(buildPerfOption(points, dark ? DARK_COLORS : LIGHT_COLORS), {
      notMerge: true,
    })
  }, [points, dark])

  useImperativeHandle(ref, () => ({
    toPngDataUrl: () => chart.current?.getDataURL({ type: 'png', pixelRatio: 2 }) ?? null,
  }))

  return (
    <div
      ref={el}
      className="perf-chart"
      role="img"
      aria-label={`Response time chart with ${points.length} point${points.length === 1 ? '' : 's'}; the table below has the numbers`}
      data-testid="perf-chart"
      data-points={points.length}
    />
  )
}
