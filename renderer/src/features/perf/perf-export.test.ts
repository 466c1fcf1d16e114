import { describe, expect, it } from 'vitest'
import type { PerfPoint } from '../../../../preload/api'
import { buildPerfOption, LIGHT_COLORS } from './perf-chart-option'
import { perfToCsv, perfToSvg } from './perf-export'

const point = (clients: number, ms: number): PerfPoint => ({
  clients,
  requests: 10,
  errors: 1,
  timeouts: 0,
  meanMs: ms,
  p50Ms: ms / 2,
  p95Ms: ms * 2,
  p99Ms: ms * 3,
  maxMs: ms * 4,
  requestsPerSec: 100,
  mbPerSec: 1.5,
})

describe('perf chart option', () => {
  it('plots mean, p50 and p99 against clients, sorted by clients', () => {
    const option = buildPerfOption([point(4, 8), point(1, 2)], LIGHT_COLORS)
    expect(option.series.map((s) => s.name)).toEqual(['mean', 'p50', 'p99'])
    expect(option.series[0]?.data).toEqual([
      [1, 2],
      [4, 8],
    ])
    expect(option.series[2]?.data).toEqual([
      [1, 6],
      [4, 24],
    ])
    expect(option.xAxis).toMatchObject({ type: 'log', logBase: 2, name: 'clients' })
  })
})

describe('perf exports', () => {
  it('writes a CSV with a header and one row per step', () => {
    const csv = perfToCsv([point(2, 4), point(1, 2)])
    expect(csv.split('\n')).toEqual([
      'clients,requests,errors,timeouts,mean_ms,p50_ms,p95_ms,p99_ms,max_ms,requests_per_sec,mb_per_sec',
      '1,10,1,0,2,1,4,6,8,100,1.5',
      '2,10,1,0,4,2,8,12,16,100,1.5',
      '',
    ])
  })

  it('renders an SVG document with the three series using the SVG renderer', () => {
    const svg = perfToSvg([point(1, 2), point(2, 3), point(4, 5)])
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('Response time vs concurrent clients')
    for (const name of ['mean', 'p50', 'p99']) expect(svg).toContain(`>${name}<`)
    expect((svg.match(/<path/g) ?? []).length).toBeGreaterThan(3)
  })
})
