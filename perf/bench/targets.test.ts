import { expect, it } from 'vitest'
import type { PerfStepPoint } from '../engine'
import type { BulkReport } from './bulk'
import type { CapacityReport } from './capacity'
import type { ManyMeasure, ManyReport } from './many'
import type { ManyUiReport } from './many-ui'
import type { SmallStep } from './small'
import { evaluate, formatVerdicts } from './targets'

const point = (over: Partial<PerfStepPoint>): PerfStepPoint => ({
  clients: 256,
  requests: 1000,
  errors: 0,
  timeouts: 0,
  meanMs: 2,
  p50Ms: 2,
  p95Ms: 5,
  p99Ms: 8,
  maxMs: 20,
  requestsPerSec: 25_000,
  mbPerSec: 100,
  durationMs: 1000,
  bytes: 0,
  connectErrors: 0,
  generator: { threads: 1, cpuPercent: 50, maxLoopUtilization: 0.5 },
  callerCpuPercent: null,
  errorSamples: [],
  ...over,
})

const bulk: BulkReport = {
  bytes: 1024 ** 3,
  raw: { downloadMBps: 1000, uploadMBps: 1000 },
  rawHashed: { downloadMBps: 900, uploadMBps: 900 },
  rawDisk: { downloadMBps: 800, uploadMBps: 800 },
  rawHashedDisk: { downloadMBps: 700, uploadMBps: 700 },
  rawBothHashedDisk: { downloadMBps: 600, uploadMBps: 600 },
  ferry: {
    getMBps: 850,
    postMBps: 500,
    getRatio: 0.85,
    postRatio: 0.5,
    getRatioVsHashed: 0.94,
    postRatioVsHashed: 0.56,
    getRatioVsHashedDisk: 1.21,
    postRatioVsHashedDisk: 0.71,
    getRatioVsBothHashedDisk: 1.42,
    postRatioVsBothHashedDisk: 0.83,
    repeatGetMBps: 700,
    repeatGetRatio: 0.6,
  },
  memory: { smallBytes: 1, largeBytes: 2, smallPeakRss: 80e6, largePeakRss: 100e6, growth: 20e6 },
}

const capacity: CapacityReport = {
  requested: 10_000,
  held: 10_000,
  failed: 0,
  openMs: 1,
  baseRss: 50e6,
  rssHeld: 250e6,
  newClientMs: { samples: 20, p50: 1, max: 3 },
}

it('turns results into pass/miss verdicts against the goals', () => {
  const small: SmallStep[] = [
    {
      clients: 1,
      raw: point({ clients: 1 }),
      ferry: point({ clients: 1, p99Ms: 50 }),
      ferryServerCpuPercent: 1,
      rawServerCpuPercent: 1,
    },
    {
      clients: 256,
      raw: point({}),
      ferry: point({ requestsPerSec: 19_999 }),
      ferryServerCpuPercent: 1,
      rawServerCpuPercent: 1,
    },
  ]
  const verdicts = evaluate({ bulk, small, capacity })
  const byName = Object.fromEntries(verdicts.map((v) => [v.name, v.pass]))
  expect(byName).toEqual({
    'bulk GET vs raw TCP': true,
    'bulk POST vs raw TCP': false,
    'server RSS growth, small -> large transfer': true,
    '4 KiB GET p99 at 256 clients': true,
    '4 KiB GET rate at 256 clients': false,
    '4 KiB GET errors+timeouts at 256 clients': true,
    'idle connections held of 10000': true,
    'server RSS with 10000 idle connections': false,
    'new client connect+PING (max) while held': true,
  })
  const text = formatVerdicts(verdicts)
  expect(text).toMatch(/^MISS {2}bulk POST vs raw TCP .* 0\.5 x {2}\(target >= 0\.8\)$/m)
  expect(text.split('\n')).toHaveLength(9)
})

it('judges only the phases that ran', () => {
  expect(evaluate({})).toEqual([])
  expect(evaluate({ capacity }).map((v) => v.name)).toHaveLength(3)
})

it('judges the many-files ratios and decay that were measured, and nothing else', () => {
  const measure = (over: Partial<ManyMeasure>): ManyMeasure => ({
    set: '10000x4KiB',
    folder: 'many',
    files: 10_000,
    fileBytes: 4096,
    direction: 'download',
    way: 'cli-code',
    runs: [],
    filesPerSec: null,
    ...over,
  })
  const decayed = (change: number) => ({
    window: 1000,
    firstRate: 1000,
    lastRate: 1000 * (1 + change),
    change,
  })
  const many: ManyReport = {
    sets: [],
    repeats: 3,
    rounds: 3,
    budgetMs: 150_000,
    rsync: { path: '/usr/bin/rsync' },
    decayWindow: 1000,
    measures: [
      measure({
        runs: [
          { ms: 1, fileEvents: 10_000, decay: decayed(-0.05) },
          { ms: 1, fileEvents: 10_000, decay: decayed(-0.12) },
        ],
      }),
      // No per-file events (the current tree API): no decay verdict.
      measure({ direction: 'upload', runs: [{ ms: 1, fileEvents: 0, decay: null }] }),
    ],
    comparisons: [
      {
        set: '10000x4KiB',
        direction: 'download',
        commandVsRsync: 1.2,
        codeVsRsync: 1.3,
        serviceVsCodeTime: 1.6,
      },
      // rsync and the service not measured: no verdicts for this pair.
      {
        set: '2000x10B',
        direction: 'upload',
        commandVsRsync: null,
        codeVsRsync: null,
        serviceVsCodeTime: null,
      },
    ],
    seconds: 100,
  }
  const verdicts = evaluate({ many })
  expect(verdicts.map((v) => [v.name, v.value, v.target, v.pass])).toEqual([
    ['many 10000x4KiB download: ferry command vs rsync, files/s', 1.2, '>= 1', true],
    ['many 10000x4KiB download: service vs CLI code path, time', 1.6, '<= 1.5', false],
    ['many 10000x4KiB download cli-code: last/first 1000 files rate', 0.88, '>= 0.9', false],
  ])
})

it('judges the slowest click of the many-ui section, only when clicks landed during the job', () => {
  const ui = (max: number | null, over: Partial<ManyUiReport> = {}): ManyUiReport => ({
    files: 10_000,
    fileBytes: 4096,
    clicksRequested: 20,
    notes: [],
    clicks: [],
    duringJob: max === null ? null : { count: 20, min: 10, median: 20, p95: 40, max },
    stalls: { count: 0, longestMs: 0, totalMs: 0 },
    jobs: [],
    seconds: 10,
    ...over,
  })
  expect(evaluate({ manyUi: ui(200) }).map((v) => [v.name, v.value, v.unit, v.target, v.pass])).toEqual([
    ['many-ui 10000x4KiB download: click to view rendered, max of 20', 200, 'ms', '<= 200', true],
  ])
  expect(evaluate({ manyUi: ui(200.4) })[0]?.pass).toBe(false)
  expect(evaluate({ manyUi: ui(null) })).toEqual([])
  expect(evaluate({ manyUi: ui(null, { skipped: 'no Chromium at /usr/bin/chromium' }) })).toEqual([])
})
