import { expect, it } from 'vitest'
import type { PerfStepPoint } from '../engine'
import type { BulkReport } from './bulk'
import type { CapacityReport } from './capacity'
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
