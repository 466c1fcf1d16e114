import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { PerfPoint } from '../../preload/api'
import { CHART_SERIES } from './chart-svg'
import { COLUMNS, formatTable, renderLatencyChart, toCsv, toJson, writeReport } from '.'
import type { RunMeta } from '.'

const point = (clients: number, p99Ms: number): PerfPoint => ({
  clients,
  requests: 100,
  errors: 0,
  timeouts: 1,
  meanMs: 1.25,
  p50Ms: 1.1,
  p95Ms: 2.5,
  p99Ms,
  maxMs: 7,
  requestsPerSec: 800.5,
  mbPerSec: 3.279,
})
const points = [point(1, 3.3), point(16, 9.75)]
const meta: RunMeta = {
  startedAt: '2025-01-01T00:00:00.000Z',
  target: 'local',
  sizeBytes: 4096,
  requests: 100,
  mix: 'get',
  maxDurationMs: 60_000,
  workers: 1,
}

describe('report writers', () => {
  it('CSV has a header of the known columns and one row per point', () => {
    const lines = toCsv(points).trimEnd().split('\n')
    expect(lines[0]).toBe(
      'clients,requests,errors,timeouts,mean_ms,p50_ms,p95_ms,p99_ms,max_ms,requests_per_sec,mb_per_sec',
    )
    expect(lines[2]).toBe('16,100,0,1,1.25,1.1,2.5,9.75,7,800.5,3.279')
    expect(lines).toHaveLength(3)
  })

  it('JSON holds the meta, the machine and the points', () => {
    const doc = JSON.parse(toJson(meta, points)) as { version: number; meta: RunMeta; points: PerfPoint[] }
    expect(doc.version).toBe(1)
    expect(doc.meta).toEqual(meta)
    expect(doc.points).toEqual(points)
    expect(doc).toHaveProperty('machine.cpus')
  })

  it('the table has a row per point with every column', () => {
    const lines = formatTable(points).split('\n')
    expect(lines).toHaveLength(4)
    for (const c of COLUMNS) expect(lines[0]).toContain(c.label)
    expect(lines[3]).toMatch(/^\s*16\s+100\s+0\s+1\s+1\.25\s+1\.10\s+2\.50\s+9\.75\s+7\s+801\s+3\.28$/)
  })

  it('the SVG chart contains the three series', () => {
    const svg = renderLatencyChart(points, { title: 'T' })
    expect(svg.startsWith('<svg')).toBe(true)
    for (const name of ['mean', 'p50', 'p99']) expect(svg).toContain(`>${name}<`)
    // One polyline path per series.
    expect(svg.match(/<path d="M[^"]*L[^"]*" fill="none"[^>]*stroke-width="2"/g)?.length).toBe(3)
    // The app's chart colours, one per line.
    for (const s of CHART_SERIES) expect(svg).toContain(`stroke="${s.color}"`)
  })

  it('puts the legend below the subtitle', () => {
    const svg = renderLatencyChart(points, { title: 'T', subtitle: 'get 4096 B, 100 requests per step' })
    const y = (text: string): number => {
      const tag = svg.split(`>${text}<`)[0]?.split('<text').at(-1) ?? ''
      // Where ECharts puts a text: its translate() plus its own y.
      const shift = Number(/translate\([\d.]+ ([\d.]+)\)/.exec(tag)?.[1] ?? 0)
      return shift + Number(/\sy="([\d.]+)"/.exec(tag)?.[1] ?? 0)
    }
    expect(y('mean')).toBeGreaterThan(y('get 4096 B, 100 requests per step') + 10)
  })

  let dir = ''
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('writeReport writes the three files', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-report-'))
    const files = await writeReport(join(dir, 'run'), meta, points)
    expect(await readFile(files.csv, 'utf8')).toBe(toCsv(points))
    expect(JSON.parse(await readFile(files.json, 'utf8'))).toMatchObject({ points })
    expect(await readFile(files.svg, 'utf8')).toContain('<svg')
  })
})
