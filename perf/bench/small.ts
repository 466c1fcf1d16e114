// Small-file request rate and latency: the raw request/response baseline and Ferry 4 KiB GETs at the same
// client counts, each against a server in its own process, measured by the perf engine's worker threads.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PerfStepPoint } from '../engine'
import { runPerf } from '../engine'
import { ServerProcess } from './server-process'

export interface SmallStep {
  clients: number
  raw: PerfStepPoint
  ferry: PerfStepPoint
  /** Server process CPU during the Ferry step, % of one core. */
  ferryServerCpuPercent: number
  rawServerCpuPercent: number
}

export interface SmallOptions {
  clientCounts: number[]
  sizeBytes: number
  requests: number
  maxDurationMs: number
  workers?: number
  cpuProfDir?: string
  log: (line: string) => void
}

async function measure(
  server: ServerProcess,
  protocol: 'ferry' | 'raw-echo',
  clients: number,
  options: SmallOptions,
): Promise<{ point: PerfStepPoint; serverCpuPercent: number }> {
  const before = await server.stats()
  const [point] = await runPerf(
    {
      target: { host: '127.0.0.1', port: server.port },
      protocol,
      clientCounts: [clients],
      sizeBytes: options.sizeBytes,
      requests: options.requests,
      mix: 'get',
      maxDurationMs: options.maxDurationMs,
      workers: options.workers,
    },
    () => undefined,
  )
  const after = await server.stats()
  if (!point) throw new Error('perf run returned no point')
  // Includes connect, seeding and teardown of the run: an upper bound on the server's share of the step.
  const serverCpuPercent = point.durationMs > 0 ? ((after.cpuMs - before.cpuMs) / point.durationMs) * 100 : 0
  return { point, serverCpuPercent: Math.round(serverCpuPercent) }
}

export async function runSmall(options: SmallOptions): Promise<SmallStep[]> {
  const root = await mkdtemp(join(tmpdir(), 'ferry-bench-small-'))
  const raw = await ServerProcess.start({ mode: 'raw-echo' })
  let ferry: ServerProcess | null = null
  try {
    // Every client comes from 127.0.0.1: lift the per-address cap (256 by default) above the largest step.
    const perAddress = Math.max(...options.clientCounts) + 16
    ferry = await ServerProcess.start(
      { mode: 'ferry', root, ferry: { maxConnectionsPerAddress: perAddress } },
      { cpuProfDir: options.cpuProfDir },
    )
    const steps: SmallStep[] = []
    // Warm-up, so JIT compilation does not land in the first measured step.
    await measure(raw, 'raw-echo', 4, { ...options, requests: Math.min(2000, options.requests) })
    await measure(ferry, 'ferry', 4, { ...options, requests: Math.min(2000, options.requests) })
    for (const clients of options.clientCounts) {
      const r = await measure(raw, 'raw-echo', clients, options)
      const f = await measure(ferry, 'ferry', clients, options)
      options.log(
        `${clients} clients: raw ${r.point.requestsPerSec} req/s p99 ${r.point.p99Ms} ms | ` +
          `ferry ${f.point.requestsPerSec} req/s p99 ${f.point.p99Ms} ms (server CPU ${f.serverCpuPercent}%, ` +
          `generator CPU ${f.point.generator.cpuPercent ?? '?'}%)`,
      )
      steps.push({
        clients,
        raw: r.point,
        ferry: f.point,
        ferryServerCpuPercent: f.serverCpuPercent,
        rawServerCpuPercent: r.serverCpuPercent,
      })
    }
    return steps
  } finally {
    await Promise.allSettled([raw.stop(), ferry?.stop()])
    await rm(root, { recursive: true, force: true })
  }
}
