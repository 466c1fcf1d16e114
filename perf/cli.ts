// `npm run perf -- --clients 1,2,4 --size 4KiB --requests 200 --mix get [--target HOST:PORT] [--out DIR]`
import { formatTable, defaultOutDir, writeReport } from './report'
import { isFerryError } from '../main/protocol/error-codes'
import { parsePerfArgs, perfHelp } from './cli-args'
import { runPerf } from './engine'
import { createProgressView } from './progress'

export async function main(args: readonly string[]): Promise<number> {
  let options
  try {
    options = parsePerfArgs(args)
  } catch (e: unknown) {
    process.stderr.write(`perf: ${e instanceof Error ? e.message : String(e)}\n`)
    return 2
  }
  if (options === 'help') {
    process.stdout.write(perfHelp())
    return 0
  }
  const controller = new AbortController()
  const onSigint = (): void => controller.abort()
  process.once('SIGINT', onSigint)
  const view = createProgressView()
  const startedAt = new Date()
  try {
    const points = await runPerf(options.run, (e) => view.onEvent(e), controller.signal)
    view.stop()
    process.stdout.write(`${formatTable(points)}\n`)
    const generator = points.map((p) => `${p.clients}: ${p.generator.cpuPercent ?? '?'}%`).join(', ')
    process.stdout.write(
      `load generator CPU (% of one core, ${points[0]?.generator.threads ?? 0} threads max): ${generator}\n`,
    )
    const samples = [...new Set(points.flatMap((p) => p.errorSamples))]
    if (samples.length > 0) process.stdout.write(`errors seen:\n  ${samples.join('\n  ')}\n`)
    const dir = options.out ?? defaultOutDir(startedAt)
    const files = await writeReport(
      dir,
      {
        startedAt: startedAt.toISOString(),
        target: options.targetLabel,
        sizeBytes: options.run.sizeBytes,
        requests: options.run.requests,
        mix: options.run.mix,
        maxDurationMs: options.run.maxDurationMs ?? 0,
        workers: options.run.workers ?? 0,
      },
      points,
    )
    process.stdout.write(`wrote ${files.json}, ${files.csv}, ${files.svg}\n`)
    return points.some((p) => p.errors > 0 || p.timeouts > 0) ? 1 : 0
  } catch (e: unknown) {
    view.stop()
    const code = isFerryError(e) ? e.code : 'INTERNAL'
    process.stderr.write(`perf failed: ${code}: ${e instanceof Error ? e.message : String(e)}\n`)
    return code === 'CANCELLED' ? 130 : 1
  } finally {
    process.off('SIGINT', onSigint)
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('perf/cli.ts')) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${String(e)}\n`)
      process.exit(1)
    },
  )
}
