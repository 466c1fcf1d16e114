// The goals the bench checks, as data: each is a measured value, a bound and whether it was met, so the summary,
// the JSON and a test all read the same verdicts.
import { formatBytes } from '../units'
import type { BulkReport } from './bulk'
import type { CapacityReport } from './capacity'
import type { ManyReport } from './many'
import type { ManyUiReport } from './many-ui'
import { worstDecay } from './many-stats'
import type { SmallStep } from './small'

export interface Verdict {
  name: string
  value: number
  unit: string
  /** e.g. '>= 0.8' */
  target: string
  pass: boolean
}

const MB = 1e6

export const GOALS = {
  bulkRatio: 0.8,
  smallP99Ms: 10,
  smallRps: 20_000,
  smallClients: 256,
  idleRssMB: 200,
  newClientMs: 100,
  rssGrowthMB: 64,
  /** Many small files: the `ferry` command against rsync's daemon, files/s. */
  manyVsRsync: 1.0,
  /** Many small files: the app's service layer against the CLI code path, time. */
  manyServiceVsCli: 1.5,
  /** Many small files: the rate of the last tenth of the large set against the first tenth. */
  manyDecay: 0.9,
  /** Browser mode during a many-files job: click on another tab to its view rendered, every click (the max). */
  uiClickMs: 200,
} as const

export function evaluate(results: {
  bulk?: BulkReport
  small?: SmallStep[]
  capacity?: CapacityReport
  many?: ManyReport
  manyUi?: ManyUiReport
}): Verdict[] {
  const verdicts: Verdict[] = []
  const atLeast = (name: string, value: number, unit: string, goal: number): void => {
    verdicts.push({ name, value, unit, target: `>= ${goal}`, pass: value >= goal })
  }
  const below = (name: string, value: number, unit: string, goal: number): void => {
    verdicts.push({ name, value, unit, target: `< ${goal}`, pass: value < goal })
  }
  const { bulk, small, capacity, many, manyUi } = results
  if (bulk) {
    atLeast('bulk GET vs raw TCP', bulk.ferry.getRatio, 'x', GOALS.bulkRatio)
    atLeast('bulk POST vs raw TCP', bulk.ferry.postRatio, 'x', GOALS.bulkRatio)
    below(
      'server RSS growth, small -> large transfer',
      round(bulk.memory.growth / MB),
      'MB',
      GOALS.rssGrowthMB,
    )
  }
  const top = small?.find((s) => s.clients === GOALS.smallClients) ?? small?.at(-1)
  if (top) {
    below(`4 KiB GET p99 at ${top.clients} clients`, top.ferry.p99Ms, 'ms', GOALS.smallP99Ms)
    atLeast(`4 KiB GET rate at ${top.clients} clients`, top.ferry.requestsPerSec, 'req/s', GOALS.smallRps)
    below(`4 KiB GET errors+timeouts at ${top.clients} clients`, top.ferry.errors + top.ferry.timeouts, '', 1)
  }
  if (capacity) {
    atLeast(`idle connections held of ${capacity.requested}`, capacity.held, '', capacity.requested)
    below(
      `server RSS with ${capacity.held} idle connections`,
      round(capacity.rssHeld / MB),
      'MB',
      GOALS.idleRssMB,
    )
    below('new client connect+PING (max) while held', capacity.newClientMs.max, 'ms', GOALS.newClientMs)
  }
  // Only what was measured gets a verdict; the section's own output says what was not and why.
  for (const c of many?.comparisons ?? []) {
    const what = `many ${c.set} ${c.direction}`
    if (c.commandVsRsync !== null)
      atLeast(`${what}: ferry command vs rsync, files/s`, round2(c.commandVsRsync), 'x', GOALS.manyVsRsync)
    if (c.serviceVsCodeTime !== null) {
      verdicts.push({
        name: `${what}: service vs CLI code path, time`,
        value: round2(c.serviceVsCodeTime),
        unit: 'x',
        target: `<= ${GOALS.manyServiceVsCli}`,
        pass: c.serviceVsCodeTime <= GOALS.manyServiceVsCli,
      })
    }
  }
  for (const m of many?.measures ?? []) {
    const worst = worstDecay(m.runs.map((r) => r.decay))
    if (worst) {
      atLeast(
        `many ${m.set} ${m.direction} ${m.way}: last/first ${worst.window} files rate`,
        round2(worst.lastRate / worst.firstRate),
        'x',
        GOALS.manyDecay,
      )
    }
  }
  // The goal says a click renders within 200 ms, so every click counts: the verdict is on the slowest one.
  const during = manyUi?.duringJob
  if (manyUi && during) {
    verdicts.push({
      name: `many-ui ${manyUi.files}x${formatBytes(manyUi.fileBytes)} download: click to view rendered, max of ${during.count}`,
      value: round(during.max),
      unit: 'ms',
      target: `<= ${GOALS.uiClickMs}`,
      pass: during.max <= GOALS.uiClickMs,
    })
  }
  return verdicts
}

export function formatVerdicts(verdicts: readonly Verdict[]): string {
  const width = Math.max(...verdicts.map((v) => v.name.length), 10)
  return verdicts
    .map(
      (v) =>
        `${v.pass ? 'PASS' : 'MISS'}  ${v.name.padEnd(width)}  ${`${v.value}${v.unit ? ` ${v.unit}` : ''}`.padStart(14)}  (target ${v.target})`,
    )
    .join('\n')
}

function round2(n: number): number {
  return Math.round(n * 100) / 100
}

function round(n: number): number {
  return Math.round(n * 10) / 10
}
