// Many small files: a folder of 10,000 x 4 KiB files (100 per subfolder) and one of 2,000 x 10 B files, each
// downloaded (share -> fresh local folder) and uploaded (local folder -> fresh folder in the share) three ways on
// 127.0.0.1: rsync's daemon with --fsync, Ferry's CLI (its code path in this process, and the real command as a
// child process) and the app's service layer. The Ferry server runs in its own process, as in the other phases.
// Each run is checked by counting the destination on disk; a run that comes up short is a failure, not a number.
import { randomUUID } from 'node:crypto'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { formatBytes } from '../units'
import { countProblem, countTree, seedSet, setPaths, type FileSet } from './file-tree'
import { ferryCodePathRun, ferryCommandRun, type TreeTransfer, type WayRun } from './many-ferry'
import { ServiceWay } from './many-service'
import {
  decay,
  formatChange,
  formatColumns,
  formatRate,
  formatRatio,
  rateSpread,
  ratio,
  spread,
  worstDecay,
  type Decay,
  type Spread,
} from './many-stats'
import { RsyncDaemon } from './rsync-daemon'
import { ServerProcess } from './server-process'
import { describeFailure, findOnPath, runTimed } from './timed-command'

export const WAYS = ['rsync', 'cli-code', 'cli-command', 'service'] as const
export type Way = (typeof WAYS)[number]
export type Direction = 'download' | 'upload'

export const WAY_LABELS: Record<Way, string> = {
  rsync: 'rsync daemon, rsync -a --fsync',
  'cli-code': 'Ferry CLI code path (FerryClient)',
  'cli-command': 'Ferry CLI command (node bin/ferry.mjs)',
  service: 'Ferry service layer (FerryService)',
}

/** The ways whose per-file events give a decay figure (the command's output is not per file). */
const DECAY_WAYS: readonly Way[] = ['cli-code', 'service']

export interface ManyRun {
  ms: number
  /** Ferry ways: the server's peak RSS during the run and the CPU it used. */
  serverPeakRss?: number
  serverCpuMs?: number
  /** How many per-file events the API under test reported. */
  fileEvents: number
  decay?: Decay | null
}

export interface ManyMeasure {
  /** Short name of the set, e.g. '10000x4KiB'. */
  set: string
  /** Its folder in the share and in the local source folder. */
  folder: string
  files: number
  fileBytes: number
  direction: Direction
  way: Way
  runs: ManyRun[]
  filesPerSec: Spread | null
  /** Why this measure has no runs, or stopped having them. */
  failure?: string
}

export interface ManyComparison {
  /** Short name of the set, e.g. '10000x4KiB'. */
  set: string
  direction: Direction
  /** files/s, median against median; null where a side was not measured. */
  commandVsRsync: number | null
  codeVsRsync: number | null
  /** Median time of the service over that of the CLI code path (both in this process). */
  serviceVsCodeTime: number | null
}

export interface ManyReport {
  sets: FileSet[]
  repeats: number
  rounds: number
  budgetMs: number
  /** rsync's path, or why it is not in the comparison. */
  rsync: { path: string | null; note?: string }
  /** The file count of each decay window (a tenth of the large set). */
  decayWindow: number
  measures: ManyMeasure[]
  comparisons: ManyComparison[]
  seconds: number
}

export interface ManyOptions {
  largeFiles: number
  tinyFiles: number
  repeats: number
  /** Rounds after the first only start while the rounds so far plus one more fit in this. */
  budgetMs: number
  /** A single run slower than this is stopped and reported as a failure. */
  runLimitMs: number
  log: (line: string) => void
}

/** The 10,000-file set, whose runs also give the decay figure. */
const LARGE_SET = 'many'

export function manySets(largeFiles: number, tinyFiles: number): FileSet[] {
  return [
    { name: LARGE_SET, files: largeFiles, size: 4096, perFolder: 100 },
    { name: 'tiny', files: tinyFiles, size: 10, perFolder: tinyFiles },
  ]
}

/** '10000x4KiB': for progress lines and verdict names. */
export function setShort(set: FileSet): string {
  return `${set.files}x${formatBytes(set.size)}`
}

export function setLabel(set: FileSet): string {
  const folders = Math.ceil(set.files / set.perFolder)
  return `${set.files.toLocaleString('en-US')} x ${formatBytes(set.size)} in ${folders} folder${folders === 1 ? '' : 's'}`
}

interface Context {
  dir: string
  share: string
  local: string
  server: ServerProcess
  rsync: { path: string; daemon: RsyncDaemon } | null
  service: ServiceWay | null
  cliData: string
  options: ManyOptions
  decayWindow: number
}

export async function runMany(options: ManyOptions): Promise<ManyReport> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-bench-many-'))
  const started = performance.now()
  let server: ServerProcess | null = null
  let daemon: RsyncDaemon | null = null
  let service: ServiceWay | null = null
  try {
    const sets = manySets(options.largeFiles, options.tinyFiles)
    const share = join(dir, 'share')
    const local = join(dir, 'local')
    const cliData = join(dir, 'cli-data')
    await Promise.all([share, local, cliData].map((d) => mkdir(d, { recursive: true })))
    options.log(`seeding ${sets.map(setLabel).join(' and ')}, in the share and in a local folder`)
    for (const set of sets) {
      await seedSet(share, set)
      await seedSet(join(local, 'src'), set)
    }
    const measures = sets.flatMap((set) =>
      (['download', 'upload'] as const).flatMap((direction) =>
        WAYS.map((way): ManyMeasure => ({
          set: setShort(set),
          folder: set.name,
          files: set.files,
          fileBytes: set.size,
          direction,
          way,
          runs: [],
          filesPerSec: null,
        })),
      ),
    )
    const notMeasured = (way: Way, why: string): void => {
      for (const m of measures) if (m.way === way) m.failure = why
    }

    server = await ServerProcess.start({ mode: 'ferry', root: share })
    const rsyncPath = await findOnPath('rsync')
    let rsyncNote: string | undefined
    if (!rsyncPath) {
      rsyncNote = 'rsync is not on PATH: reporting Ferry alone (the bench installs nothing)'
      notMeasured('rsync', 'rsync is not on PATH')
    } else {
      try {
        daemon = await RsyncDaemon.start(rsyncPath, dir, {
          name: 'bench',
          path: share,
          uid: process.getuid?.() ?? 0,
          gid: process.getgid?.() ?? 0,
        })
      } catch (e: unknown) {
        rsyncNote = `rsync daemon did not start: ${message(e)}`
        notMeasured('rsync', rsyncNote)
      }
    }
    if (rsyncNote) options.log(rsyncNote)
    try {
      service = await ServiceWay.start(server.port, join(dir, 'service-data'))
    } catch (e: unknown) {
      notMeasured('service', `the service did not start: ${message(e)}`)
      options.log(`service layer: not measured (${message(e)})`)
    }
    const ctx: Context = {
      dir,
      share,
      local,
      server,
      rsync: rsyncPath && daemon ? { path: rsyncPath, daemon } : null,
      service,
      cliData,
      options,
      decayWindow: Math.max(2, Math.round(options.largeFiles / 10)),
    }
    await warmUp(ctx)

    // Rounds interleave the ways, so a burst of load from other work on the machine hits them all alike; the
    // order rotates each round for the same reason.
    const roundsStarted = performance.now()
    let rounds = 0
    while (rounds < options.repeats) {
      const elapsed = performance.now() - roundsStarted
      if (rounds > 0 && elapsed + elapsed / rounds > options.budgetMs) {
        options.log(
          `stopping after ${rounds} of ${options.repeats} rounds: a round takes ${seconds(elapsed / rounds)}, ` +
            `the budget is ${seconds(options.budgetMs)} (--many-budget)`,
        )
        break
      }
      rounds += 1
      options.log(`round ${rounds} of ${options.repeats}`)
      const order = WAYS.map((_, i) => WAYS[(i + rounds - 1) % WAYS.length] as Way)
      for (const set of sets) {
        for (const direction of ['download', 'upload'] as const) {
          for (const way of order) {
            const m = measures.find(
              (x) => x.folder === set.name && x.direction === direction && x.way === way,
            )
            if (m && !m.failure) await measureOnce(ctx, set, m, rounds)
          }
        }
      }
    }
    for (const m of measures)
      m.filesPerSec = rateSpread(
        m.files,
        m.runs.map((r) => r.ms),
      )
    return {
      sets,
      repeats: options.repeats,
      rounds,
      budgetMs: options.budgetMs,
      rsync: { path: rsyncPath, ...(rsyncNote ? { note: rsyncNote } : {}) },
      decayWindow: ctx.decayWindow,
      measures,
      comparisons: compare(sets, measures),
      seconds: Math.round((performance.now() - started) / 100) / 10,
    }
  } finally {
    await service?.dispose()
    await daemon?.stop()
    await server?.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

/** A small folder both ways through the in-process ways, so the first timed run does not pay for JIT. */
async function warmUp(ctx: Context): Promise<void> {
  const set: FileSet = { name: 'warm', files: 50, size: 4096, perFolder: 25 }
  await seedSet(ctx.share, set)
  await seedSet(join(ctx.local, 'src'), set)
  const limit = ctx.options.runLimitMs
  // A failure here shows again, with its reason, in the first timed run of that way.
  await ferryCodePathRun(
    ctx.server.port,
    { direction: 'download', remote: 'warm', localDir: join(ctx.local, 'w1') },
    limit,
  ).catch(() => undefined)
  await ferryCodePathRun(
    ctx.server.port,
    { direction: 'upload', localPath: join(ctx.local, 'src', 'warm'), remoteDir: 'warm-up-1' },
    limit,
  ).catch(() => undefined)
  await ctx.service?.download('warm', join(ctx.local, 'w2'), limit).catch(() => undefined)
  await ctx.service?.upload(serviceItems(ctx, set), 'warm-up-2', limit).catch(() => undefined)
  await Promise.all(
    [
      join(ctx.local, 'w1'),
      join(ctx.local, 'w2'),
      join(ctx.share, 'warm-up-1'),
      join(ctx.share, 'warm-up-2'),
    ].map((d) => rm(d, { recursive: true, force: true })),
  )
}

function serviceItems(ctx: Context, set: FileSet): Array<{ localPath: string; relativePath: string }> {
  return setPaths(set).map((p) => ({
    localPath: join(ctx.local, 'src', set.name, p),
    relativePath: `${set.name}/${p}`,
  }))
}

/** One run of one way into a fresh destination, which is counted, then removed (outside the timing). */
async function measureOnce(ctx: Context, set: FileSet, m: ManyMeasure, round: number): Promise<void> {
  const tag = `${m.way}-${set.name}-${round}-${randomUUID().slice(0, 8)}`
  const remoteDir = `up-${tag}`
  const dest = m.direction === 'download' ? join(ctx.local, `get-${tag}`) : join(ctx.share, remoteDir)
  const transfer: TreeTransfer =
    m.direction === 'download'
      ? { direction: 'download', remote: set.name, localDir: dest }
      : { direction: 'upload', localPath: join(ctx.local, 'src', set.name), remoteDir }
  const ferry = m.way !== 'rsync'
  try {
    let before = 0
    if (ferry) {
      await ctx.server.resetPeak()
      before = (await ctx.server.stats()).cpuMs
    }
    const run = await dispatch(ctx, set, m, transfer, dest)
    const problem = countProblem(await countTree(dest), set)
    if (problem) throw new Error(problem)
    const result: ManyRun = { ms: run.ms, fileEvents: run.fileTimes.length }
    if (ferry) {
      const stats = await ctx.server.stats()
      result.serverPeakRss = stats.peakRss
      result.serverCpuMs = Math.round(stats.cpuMs - before)
    }
    if (set.name === LARGE_SET && DECAY_WAYS.includes(m.way))
      result.decay = decay(run.fileTimes, ctx.decayWindow)
    m.runs.push(result)
    const events = DECAY_WAYS.includes(m.way) ? `, ${run.fileTimes.length} per-file events` : ''
    ctx.options.log(
      `  ${m.set.padEnd(11)} ${m.direction.padEnd(8)} ${m.way.padEnd(11)} ${seconds(run.ms).padStart(8)}  ` +
        `${formatRate((set.files * 1000) / run.ms)} files/s${events}`,
    )
  } catch (e: unknown) {
    m.failure = message(e)
    ctx.options.log(`  ${m.set.padEnd(11)} ${m.direction.padEnd(8)} ${m.way.padEnd(11)} failed: ${m.failure}`)
  } finally {
    await rm(dest, { recursive: true, force: true })
  }
}

async function dispatch(
  ctx: Context,
  set: FileSet,
  m: ManyMeasure,
  transfer: TreeTransfer,
  dest: string,
): Promise<WayRun> {
  const limit = ctx.options.runLimitMs
  switch (m.way) {
    case 'cli-code':
      return ferryCodePathRun(ctx.server.port, transfer, limit)
    case 'cli-command':
      return ferryCommandRun(ctx.server.port, transfer, limit, ctx.cliData)
    case 'service': {
      if (!ctx.service) throw new Error('the service did not start')
      return transfer.direction === 'download'
        ? ctx.service.download(set.name, dest, limit)
        : ctx.service.upload(serviceItems(ctx, set), transfer.remoteDir, limit)
    }
    case 'rsync': {
      if (!ctx.rsync) throw new Error('rsync: not measured')
      const { daemon, path } = ctx.rsync
      // Trailing slash on the source: its contents, like `ferry get` into a new folder. Without one on an
      // upload source, the folder itself lands in the (new) remote folder, like `ferry put --to`.
      const args =
        transfer.direction === 'download'
          ? ['-a', '--fsync', daemon.url(`${set.name}/`), `${dest}/`]
          : ['-a', '--fsync', transfer.localPath, daemon.url(`${transfer.remoteDir}/`)]
      const run = await runTimed(path, args, { timeoutMs: limit })
      if (run.code !== 0 || run.timedOut) throw new Error(`rsync: ${describeFailure(run, limit)}`)
      return { ms: run.ms, fileTimes: [] }
    }
  }
}

function compare(sets: readonly FileSet[], measures: readonly ManyMeasure[]): ManyComparison[] {
  const times = (folder: string, direction: Direction, way: Way): Spread | null => {
    const m = measures.find((x) => x.folder === folder && x.direction === direction && x.way === way)
    return m ? spread(m.runs.map((r) => r.ms)) : null
  }
  return sets.flatMap((set) =>
    (['download', 'upload'] as const).map((direction): ManyComparison => {
      const rsync = times(set.name, direction, 'rsync')?.median
      const code = times(set.name, direction, 'cli-code')?.median
      const command = times(set.name, direction, 'cli-command')?.median
      const service = times(set.name, direction, 'service')?.median
      // Same file count on both sides, so the files/s ratio is the inverse time ratio.
      return {
        set: setShort(set),
        direction,
        commandVsRsync: ratio(rsync, command),
        codeVsRsync: ratio(rsync, code),
        serviceVsCodeTime: ratio(service, code),
      }
    }),
  )
}

/** The section's table, ratio and decay lines for the terminal. */
export function formatManyReport(report: ManyReport): string {
  const lines: string[] = []
  lines.push(
    `many files on 127.0.0.1 (${report.sets.map((s) => `${setShort(s)}: ${setLabel(s)}`).join('; ')}), ` +
      `fresh destination each run; ${report.rounds} of ${report.repeats} rounds, section ${report.seconds} s`,
  )
  if (report.rsync.note) lines.push(report.rsync.note)
  const rows: string[][] = [
    ['set', 'direction', 'way', 'runs', 'files/s min / median / max', 'median time', 'server peak RSS'],
  ]
  const notes: string[] = []
  for (const m of report.measures) {
    const times = spread(m.runs.map((r) => r.ms))
    const peak = Math.max(0, ...m.runs.map((r) => r.serverPeakRss ?? 0))
    const r = m.filesPerSec
    let rate = r ? `${formatRate(r.min)} / ${formatRate(r.median)} / ${formatRate(r.max)}` : 'not measured'
    if (m.failure) {
      const what = m.runs.length === 0 ? 'not measured' : `failed in run ${m.runs.length + 1}`
      notes.push(`${WAY_LABELS[m.way]}, ${m.set} ${m.direction}: ${what} (${m.failure})`)
      rate += r ? ` (then failed, note ${notes.length})` : ` (note ${notes.length})`
    }
    rows.push([
      m.set,
      m.direction,
      WAY_LABELS[m.way],
      String(m.runs.length),
      rate,
      times ? seconds(times.median) : '-',
      peak > 0 ? formatBytes(peak) : '-',
    ])
  }
  lines.push(formatColumns(rows))
  if (notes.length > 0) lines.push('notes:', ...notes.map((n, i) => `  ${i + 1}. ${n}`))
  lines.push(
    '',
    'ratios (medians; Ferry/rsync in files/s, higher is better; service/CLI in time, lower is better):',
  )
  for (const c of report.comparisons) {
    lines.push(
      `  ${c.set} ${c.direction}: CLI command/rsync ${formatRatio(c.commandVsRsync)} (target >= 1.0x), ` +
        `CLI code path/rsync ${formatRatio(c.codeVsRsync)}, ` +
        `service/CLI code path time ${formatRatio(c.serviceVsCodeTime)} (target <= 1.5x)`,
    )
  }
  const large = report.sets[0]
  if (large) {
    const w = report.decayWindow.toLocaleString('en-US')
    lines.push(
      '',
      `decay, ${setShort(large)}: rate of the last ${w} files against the first ${w} (target within 10%):`,
    )
    for (const m of report.measures) {
      if (m.folder !== large.name || !DECAY_WAYS.includes(m.way)) continue
      lines.push(`  ${WAY_LABELS[m.way]}, ${m.direction}: ${decayText(m)}`)
    }
  }
  const peaks = report.measures.flatMap((m) => m.runs.map((run) => run.serverPeakRss ?? 0))
  if (peaks.some((p) => p > 0)) {
    lines.push('', `Ferry server peak RSS over all runs: ${formatBytes(Math.max(...peaks))}`)
  }
  return lines.join('\n')
}

function decayText(m: ManyMeasure): string {
  if (m.runs.length === 0) return 'not measured (no runs, see the notes)'
  if (m.runs.every((r) => r.fileEvents === 0)) return 'not measured (no per-file events)'
  const worst = worstDecay(m.runs.map((r) => r.decay))
  if (!worst) {
    const events = m.runs.map((r) => r.fileEvents).join(', ')
    return `not measured (per-file events: ${events}; too few, or a window fits in one batch of them)`
  }
  const each = m.runs.map((r) => (r.decay ? formatChange(r.decay.change) : 'n/a')).join(', ')
  return (
    `${each} (worst ${formatChange(worst.change)}: ${formatRate(worst.lastRate)} files/s at the end, ` +
    `${formatRate(worst.firstRate)} at the start)`
  )
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}
