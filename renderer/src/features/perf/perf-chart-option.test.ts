import { describe, expect, it } from 'vitest'
import { buildPerfOption, formatTooltip, LIGHT_COLORS, SERIES } from './perf-chart-option'

describe('perf chart option', () => {
  it('titles the tooltip with the client count and separates each series name from its value', () => {
    const text = formatTooltip([
      { seriesName: 'mean', marker: '<m1>', value: [4, 2.7182] },
      { seriesName: 'p50', marker: '<m2>', value: [4, 2.39] },
    ])
    expect(text).toBe('4 clients<br/><m1>mean: 2.72 ms<br/><m2>p50: 2.39 ms')
    expect(formatTooltip({ seriesName: 'p99', value: [1, 5] })).toBe('1 client<br/>p99: 5.00 ms')
  })

  it('draws the series in the colours the CLI chart uses, sorted by clients', () => {
    const point = (clients: number, ms: number) => ({
      clients,
      requests: 10,
      errors: 0,
      timeouts: 0,
      meanMs: ms,
      p50Ms: ms,
      p95Ms: ms,
      p99Ms: ms,
      maxMs: ms,
      requestsPerSec: 1,
      mbPerSec: 1,
    })
    const option = buildPerfOption([point(8, 3), point(2, 1)], LIGHT_COLORS)
    expect(option.color).toEqual(SERIES.map((s) => s.color))
    expect(option.series[0]?.data).toEqual([
      [2, 1],
      [8, 3],
    ])
    expect(option.tooltip.formatter).toBe(formatTooltip)
  })
})
