// `npm run bench [-- --quick] [--only bulk,small,capacity,many,many-ui,s3] [--profile DIR]`: raw loopback TCP
// baselines and Ferry side by side (and rsync's daemon for many small files, and the app's responsiveness in
// browser mode during a many-files job), with pass/miss per goal (targets.ts) and a JSON file in perf-results/.
// Only 127.0.0.1; every phase is bounded in count and time.
import { execFileSync } from 'node:child_process'
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { Command, Option } from 'commander'
import { machineInfo } from '../report/json'
import { formatBytes, parseClientCounts, parseDuration, parsePositiveInt, parseSize } from '../units'
import type { BulkReport } from './bulk'
import { runBulk } from './bulk'
import type { CapacityReport } from './capacity'
import { runCapacity } from './capacity'
import type { ManyReport } from './many'
import { formatManyReport, runMany } from './many'
import type { ManyUiReport } from './many-ui'
import { formatManyUiReport, runManyUi } from './many-ui'
import { summarizeProfileFile } from './profile-summary'
import { runS3, s3SkipReason } from './s3'
import { formatS3Report, s3Verdicts, type S3Report } from './s3-summary'
import type { SmallStep } from './small'
import { runSmall } from './small'
import { evaluate, formatVerdicts } from './targets'

const PHASES = ['bulk', 'small', 'capacity', 'many', 'many-ui', 's3'] as const
type Phase = (typeof PHASES)[number]

interface BenchOptions {
  quick: boolean
  only: Phase[]
  out: string
  profile?: string
  bulkSize?: number
  clients?: number[]
  requests?: number
  duration?: number
  idle?: number
  manyFiles?: number
  manyRepeats?: number
  manyBudget?: number
  uiClicks?: number
  s3Sizes?: number[]
  s3Rounds?: number
}

function command(): Command {
  return new Command('bench')
    .description('Raw loopback TCP baselines against Ferry, with pass/miss per performance goal.')
    .option('--quick', 'scaled-down smoke run', false)
    .addOption(
      new Option('--only <phases>', 'comma separated: bulk, small, capacity, many, many-ui, s3')
        .argParser(parsePhases)
        .default([...PHASES]),
    )
    .option('--out <dir>', 'folder for bench-<timestamp>.json', 'perf-results')
    .option('--profile <dir>', 'run the Ferry servers with --cpu-prof into DIR and print their hot functions')
    .option('--bulk-size <size>', 'bulk transfer size (default 1GiB, quick 64MiB)', parseSize)
    .option('--clients <list>', 'small-file client counts (default 1,16,64,256)', (t) => parseClientCounts(t))
    .option('--requests <n>', 'small-file requests per client count', (t) =>
      parsePositiveInt(t, '--requests'),
    )
    .option('--duration <time>', 'time limit per small-file step (default 30s)', parseDuration)
    .option('--idle <n>', 'idle connections for the capacity phase (default 10000)', (t) =>
      parsePositiveInt(t, '--idle'),
    )
    .option('--many-files <n>', 'files in the large many-files set (default 10000, quick 1000)', (t) =>
      parsePositiveInt(t, '--many-files'),
    )
    .option('--many-repeats <n>', 'runs of each many-files measure (default 3, quick 1)', (t) =>
      parsePositiveInt(t, '--many-repeats'),
    )
    .option(
      '--many-budget <time>',
      'no further many-files round once this is used up (default 170s)',
      parseDuration,
    )
    .option('--ui-clicks <n>', 'tab clicks during the many-ui job (default 20, quick 10)', (t) =>
      parsePositiveInt(t, '--ui-clicks'),
    )
    .option(
      '--s3-sizes <list>',
      'file sizes of the s3 phase, smallest first (default 256MiB,1GiB; quick 16MiB,64MiB)',
      (t) => t.split(',').map((p) => parseSize(p.trim())),
    )
    .option('--s3-rounds <n>', 'rounds per s3 file size (default 2, quick 1)', (t) =>
      parsePositiveInt(t, '--s3-rounds'),
    )
}

function parsePhases(text: string): Phase[] {
  const parts = text.split(',').map((p) => p.trim())
  for (const p of parts)
    if (!(PHASES as readonly string[]).includes(p)) throw new Error(`unknown phase "${p}"`)
  return parts as Phase[]
}

function fdLimit(): number | null {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || null
  } catch {
    return null
  }
}

const log = (line: string): void => {
  process.stdout.write(`${line}\n`)
}

/** Summaries of the servers' main-thread profiles (file names end .0.<seq>.cpuprofile; others are loader threads). */
async function profileSummaries(root: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  for (const phase of PHASES) {
    const dir = join(root, phase)
    const files = await readdir(dir).catch(() => [] as string[])
    for (const file of files.filter((f) => /\.0\.\d+\.cpuprofile$/.test(f))) {
      const summary = await summarizeProfileFile(join(dir, file), 12)
      out[`${phase}/${file}`] = summary
      log(`\nprofile of the ${phase} server, ${file} (${summary.totalMs} ms sampled), top self time:`)
      for (const h of summary.hot) log(`  ${String(h.percent).padStart(5)}%  ${h.name}  ${h.where}`)
    }
  }
  return out
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = command()
  program.parse([...argv], { from: 'user' })
  const o = program.opts<BenchOptions>()
  const bulkBytes = o.bulkSize ?? (o.quick ? 64 * 1024 ** 2 : 1024 ** 3)
  const idle = o.idle ?? (o.quick ? 1000 : 10_000)
  const startedAt = new Date()
  const limit = fdLimit()
  log(
    `Ferry bench ${o.quick ? '(quick) ' : ''}on ${machineInfo().cpus} cores, node ${process.version}, ulimit -n ${limit ?? '?'}`,
  )
  const loadAtStart = loadavg()
  if ((loadAtStart[0] ?? 0) > machineInfo().cpus / 2) {
    log(
      `warning: load average is ${loadAtStart.map((l) => l.toFixed(1)).join(' ')}: other work shares the CPUs, numbers will be low`,
    )
  }
  if (limit !== null && limit < idle + 200 && o.only.includes('capacity')) {
    log(`note: ulimit -n is ${limit}; holding ${idle} connections needs more (run \`ulimit -n 65536\` first)`)
  }
  const profileDir = (phase: Phase): string | undefined => (o.profile ? join(o.profile, phase) : undefined)
  const results: {
    bulk?: BulkReport
    small?: SmallStep[]
    capacity?: CapacityReport
    many?: ManyReport
    manyUi?: ManyUiReport
    s3?: S3Report
  } = {}
  const failures: Record<string, string> = {}
  const phase = async (name: Phase, run: () => Promise<void>): Promise<void> => {
    if (!o.only.includes(name)) return
    log(`\n== ${name}`)
    try {
      await run()
    } catch (e: unknown) {
      failures[name] = e instanceof Error ? e.message : String(e)
      log(`${name} failed: ${failures[name]}`)
    }
  }
  await phase('bulk', async () => {
    log(`moving ${formatBytes(bulkBytes)} each way`)
    results.bulk = await runBulk({
      bytes: bulkBytes,
      smallBytes: 1024 * 1024,
      timeoutMs: o.quick ? 60_000 : 300_000,
      cpuProfDir: profileDir('bulk'),
      log,
    })
  })
  await phase('small', async () => {
    results.small = await runSmall({
      clientCounts: o.clients ?? (o.quick ? [1, 16, 64] : [1, 16, 64, 256]),
      sizeBytes: 4096,
      requests: o.requests ?? (o.quick ? 3000 : 60_000),
      maxDurationMs: o.duration ?? (o.quick ? 10_000 : 30_000),
      cpuProfDir: profileDir('small'),
      log,
    })
  })
  await phase('capacity', async () => {
    results.capacity = await runCapacity({
      connections: idle,
      timeoutMs: o.quick ? 60_000 : 180_000,
      cpuProfDir: profileDir('capacity'),
      log,
    })
    const c = results.capacity
    log(
      `capacity: held ${c.held}, server RSS ${formatBytes(c.baseRss)} -> ${formatBytes(c.rssHeld)}, ` +
        `new client connect+PING p50 ${c.newClientMs.p50} ms, max ${c.newClientMs.max} ms`,
    )
  })
  await phase('many', async () => {
    results.many = await runMany({
      largeFiles: o.manyFiles ?? (o.quick ? 1000 : 10_000),
      tinyFiles: o.quick ? 200 : 2000,
      repeats: o.manyRepeats ?? (o.quick ? 1 : 3),
      budgetMs: o.manyBudget ?? 170_000,
      runLimitMs: o.quick ? 120_000 : 300_000,
      log,
    })
  })
  await phase('many-ui', async () => {
    results.manyUi = await runManyUi({
      files: o.manyFiles ?? (o.quick ? 2000 : 10_000),
      clicks: o.uiClicks ?? (o.quick ? 10 : 20),
      jobLimitMs: o.quick ? 60_000 : 120_000,
      log,
    })
  })
  await phase('s3', async () => {
    const skip = s3SkipReason()
    if (skip) return log(`s3 skipped: ${skip}`)
    results.s3 = await runS3({
      sizes: o.s3Sizes ?? (o.quick ? [16 * 1024 ** 2, 64 * 1024 ** 2] : [256 * 1024 ** 2, 1024 ** 3]),
      rounds: o.s3Rounds ?? (o.quick ? 1 : 2),
      timeoutMs: o.quick ? 120_000 : 600_000,
      cpuProfDir: profileDir('s3'),
      log,
    })
  })
  const verdicts = [...evaluate(results), ...(results.s3 ? s3Verdicts(results.s3) : [])]
  log('\n== summary')
  if (results.bulk) {
    const b = results.bulk
    log(
      `bulk ${formatBytes(b.bytes)}: raw ${b.raw.downloadMBps}/${b.raw.uploadMBps} MB/s (down/up), ferry GET ${b.ferry.getMBps} MB/s (${b.ferry.getRatio}x), POST ${b.ferry.postMBps} MB/s (${b.ferry.postRatio}x)`,
    )
    log(
      `  against raw TCP + SHA-256 (${b.rawHashed.downloadMBps}/${b.rawHashed.uploadMBps} MB/s): GET ${b.ferry.getRatioVsHashed}x, POST ${b.ferry.postRatioVsHashed}x`,
    )
    log(
      `  against raw TCP + write + fsync at the receiver (${b.rawDisk.downloadMBps}/${b.rawDisk.uploadMBps} MB/s), + SHA-256 at the receiver (${b.rawHashedDisk.downloadMBps}/${b.rawHashedDisk.uploadMBps} MB/s): GET ${b.ferry.getRatioVsHashedDisk}x, POST ${b.ferry.postRatioVsHashedDisk}x`,
    )
    log(
      `  against raw TCP + SHA-256 on both ends + write + fsync (${b.rawBothHashedDisk.downloadMBps}/${b.rawBothHashedDisk.uploadMBps} MB/s, Ferry's work without framing): GET ${b.ferry.getRatioVsBothHashedDisk}x, POST ${b.ferry.postRatioVsBothHashedDisk}x`,
    )
    log(
      `  repeat GET of the same file (server hash cached): ${b.ferry.repeatGetMBps} MB/s (${b.ferry.repeatGetRatio}x)`,
    )
  }
  for (const s of results.small ?? []) {
    const ratio = s.raw.requestsPerSec > 0 ? (s.ferry.requestsPerSec / s.raw.requestsPerSec).toFixed(2) : '?'
    log(
      `4 KiB @ ${String(s.clients).padStart(3)} clients: raw ${s.raw.requestsPerSec} req/s, ferry ${s.ferry.requestsPerSec} req/s (${ratio}x), ferry p50 ${s.ferry.p50Ms} / p99 ${s.ferry.p99Ms} ms`,
    )
  }
  if (results.many) log(formatManyReport(results.many))
  if (results.manyUi) log(formatManyUiReport(results.manyUi))
  if (results.s3) log(formatS3Report(results.s3))
  log(verdicts.length > 0 ? formatVerdicts(verdicts) : 'no verdicts')
  const profiles = o.profile ? await profileSummaries(o.profile) : undefined
  await mkdir(o.out, { recursive: true })
  const file = join(o.out, `bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`)
  const doc = {
    version: 1,
    startedAt: startedAt.toISOString(),
    quick: o.quick,
    machine: machineInfo(),
    fdLimit: limit,
    loadavg: { start: loadAtStart, end: loadavg() },
    results,
    verdicts,
    failures,
    profiles,
  }
  await writeFile(file, `${JSON.stringify(doc, null, 2)}\n`)
  log(`\nwrote ${file}`)
  return Object.keys(failures).length > 0 ? 2 : verdicts.every((v) => v.pass) ? 0 : 1
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
    process.exit(2)
  },
)
