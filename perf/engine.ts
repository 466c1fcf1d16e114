// The perf load engine: for each client count, real protocol clients (one connection each, spread over worker
// threads) run a closed loop of GET / PUT requests against a Ferry server, bounded by a request count and a time
// limit; latencies go into HDR histograms merged across threads. Used by `npm run perf`, the bench and the app.
//
// Event contract: progress (throttled) during each step, one point per step, then exactly one of done or failed;
// the promise resolves with the points or rejects with the same error that 'failed' carried (CANCELLED on abort).
import { FerryError, fromSystemError, isFerryError } from '../main/protocol/error-codes'
import type { PerfEvent, PerfPoint } from '../preload/api'
import { DEFAULT_MAX_DURATION_MS, DEFAULT_REQUEST_TIMEOUT_MS, defaultWorkerCount } from './defaults'
import { mergeEncoded, summarize } from './latency'
import type { LoadResult, LoadSpec, LoadTarget, PerfMix } from './load-spec'
import { COUNTER, createCounters } from './load-spec'
import type { GeneratorMode, LoadThread, WorkerEntry } from './load-threads'
import { findWorkerEntry, startLoadThreads } from './load-threads'
import type { PreparedTarget } from './perf-target'
import { prepareLocalTarget, prepareRemoteTarget } from './perf-target'
import { threadCpuMs } from './thread-cpu'

export interface PerfRunOptions {
  target: LoadTarget | 'local'
  clientCounts: number[]
  sizeBytes: number
  requests: number
  mix: PerfMix
  /** Time limit of each step; default 60 s. */
  maxDurationMs?: number
  /** Worker threads generating load; default availableParallelism() - 1 (at least 1); 0 runs in this thread. */
  workers?: number
  /** A request slower than this counts as a timeout; default 30 s. */
  requestTimeoutMs?: number
  /** Interval of progress events; default 250 ms. */
  progressIntervalMs?: number
  /**
   * The worker file to start (null: none, so the load runs in this thread). Default: the bundled perf-worker.js
   * next to this module (the app's build), else the tsx shim (a source checkout), else none.
   */
  workerEntry?: WorkerEntry | null
  /** 'raw-echo': measure the raw TCP baseline server of raw-echo.ts (bench only; GETs against a HOST:PORT). */
  protocol?: 'ferry' | 'raw-echo'
}

export type PerfEngineEvent = PerfEvent extends infer E
  ? E extends { runId: string }
    ? Omit<E, 'runId'>
    : never
  : never

/** A PerfPoint plus what the CLI and bench want to know about the generator itself. */
export interface PerfStepPoint extends PerfPoint {
  durationMs: number
  bytes: number
  connectErrors: number
  /** CPU of the load threads, in % of one core (null where unknown), and their busiest event loop (0..1). */
  generator: {
    threads: number
    cpuPercent: number | null
    maxLoopUtilization: number | null
    /** Where the load ran (set by runPerf): 'inline' shares the caller's event loop and skews its numbers. */
    mode?: GeneratorMode
  }
  /** CPU of the calling thread during the step (% of one core): the server's, for a 'local' target. */
  callerCpuPercent: number | null
  errorSamples: string[]
}

export { DEFAULT_MAX_DURATION_MS, defaultWorkerCount }
export type { GeneratorMode, WorkerEntry } from './load-threads'
const MAX_SIZE_BYTES = 1024 ** 3
const MAX_CLIENTS = 20_000

function validate(options: PerfRunOptions): void {
  const bad = (message: string): never => {
    throw new FerryError('INVALID_ARGUMENT', message)
  }
  if (options.clientCounts.length === 0) bad('clientCounts is empty')
  for (const n of options.clientCounts) {
    if (!Number.isInteger(n) || n < 1 || n > MAX_CLIENTS) bad(`client count ${n} must be 1..${MAX_CLIENTS}`)
  }
  if (!Number.isInteger(options.sizeBytes) || options.sizeBytes < 0 || options.sizeBytes > MAX_SIZE_BYTES) {
    bad(`sizeBytes must be 0..${MAX_SIZE_BYTES} (requests are held in memory)`)
  }
  if (!Number.isInteger(options.requests) || options.requests < 1) bad('requests must be a positive integer')
  if (!['get', 'post', 'mixed'].includes(options.mix)) bad(`unknown mix ${String(options.mix)}`)
  const ms = options.maxDurationMs ?? DEFAULT_MAX_DURATION_MS
  if (!(ms > 0)) bad('maxDurationMs must be positive')
  const workers = options.workers ?? 1
  if (!Number.isInteger(workers) || workers < 0 || workers > 256) bad('workers must be 0..256')
  if (options.protocol === 'raw-echo' && (options.target === 'local' || options.mix !== 'get')) {
    bad('the raw-echo baseline needs a HOST:PORT target and the get mix')
  }
}

async function prepareTarget(options: PerfRunOptions): Promise<PreparedTarget> {
  if (options.target === 'local') {
    return prepareLocalTarget(options.sizeBytes, options.mix, Math.max(...options.clientCounts))
  }
  if (options.protocol === 'raw-echo') {
    return {
      target: options.target,
      getPaths: [''],
      postDir: '',
      server: null,
      cleanup: async () => undefined,
    }
  }
  return prepareRemoteTarget(options.target, options.sizeBytes, options.mix)
}

export async function runPerf(
  options: PerfRunOptions,
  onEvent: (e: PerfEngineEvent) => void,
  signal?: AbortSignal,
): Promise<PerfStepPoint[]> {
  let target: PreparedTarget | null = null
  let threads: LoadThread[] = []
  try {
    validate(options)
    throwIfAborted(signal)
    target = await prepareTarget(options)
    throwIfAborted(signal)
    const started = await startLoadThreads(
      options.workers ?? defaultWorkerCount(),
      options.workerEntry === undefined ? findWorkerEntry() : options.workerEntry,
    )
    threads = started.threads
    const points: PerfStepPoint[] = []
    for (const clients of options.clientCounts) {
      throwIfAborted(signal)
      const point = await runStep(options, target, threads, clients, onEvent, signal)
      point.generator.mode = started.mode
      points.push(point)
      onEvent({ type: 'point', point })
    }
    onEvent({ type: 'done', points })
    return points
  } catch (e: unknown) {
    const error = signal?.aborted ? new FerryError('CANCELLED', 'perf run cancelled') : toFerryError(e)
    onEvent({ type: 'failed', error: { code: error.code, message: error.message } })
    throw error
  } finally {
    await Promise.allSettled(threads.map((t) => t.terminate()))
    await target?.cleanup()
  }
}

function toFerryError(e: unknown): FerryError {
  return isFerryError(e) ? e : fromSystemError(e, 'perf run')
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new FerryError('CANCELLED', 'perf run cancelled')
}

/** Splits `clients` over the threads as evenly as possible; threads with no client sit the step out. */
export function splitClients(clients: number, threads: number): number[] {
  return Array.from(
    { length: threads },
    (_, i) => Math.floor(clients / threads) + (i < clients % threads ? 1 : 0),
  )
}

async function runStep(
  options: PerfRunOptions,
  target: PreparedTarget,
  threads: LoadThread[],
  clients: number,
  onEvent: (e: PerfEngineEvent) => void,
  signal?: AbortSignal,
): Promise<PerfStepPoint> {
  const counters = createCounters()
  const shares = splitClients(clients, threads.length)
  const active = threads.filter((_, i) => (shares[i] ?? 0) > 0)
  const abort = (): void => active.forEach((t) => t.abort())
  signal?.addEventListener('abort', abort)
  const report = (): void =>
    onEvent({
      type: 'progress',
      clients,
      done: Atomics.load(counters, COUNTER.finished),
      total: options.requests,
    })
  // At once, so a view shows the new step even when it ends before the first tick.
  report()
  const progressTimer = setInterval(report, options.progressIntervalMs ?? 250)
  try {
    let first = 0
    const specs: LoadSpec[] = active.map((_, i) => {
      const share = shares[threads.indexOf(active[i] as LoadThread)] ?? 0
      const spec: LoadSpec = {
        target: target.target,
        protocol: options.protocol ?? 'ferry',
        clients: share,
        firstClient: first,
        mix: options.mix,
        sizeBytes: options.sizeBytes,
        getPaths: target.getPaths,
        postDir: target.postDir,
        totalRequests: options.requests,
        requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
        connectTimeoutMs: 10_000,
      }
      first += share
      return spec
    })
    const connectErrors = await Promise.all(active.map((t, i) => t.prepare(specs[i] as LoadSpec, counters)))
    throwIfAborted(signal)
    const elu = active.map((t) => t.utilization())
    const callerCpu = threadCpuMs()
    const results = await Promise.all(
      active.map((t) => t.go(Date.now() + (options.maxDurationMs ?? DEFAULT_MAX_DURATION_MS))),
    )
    const callerCpuEnd = threadCpuMs()
    const loops = active.map((t, i) => t.utilization(elu[i] ?? undefined)?.utilization ?? null)
    await Promise.all(active.map((t) => t.finish()))
    throwIfAborted(signal)
    report()
    const point = toPoint(clients, results, connectErrors, loops)
    point.callerCpuPercent =
      callerCpu === null || callerCpuEnd === null || point.durationMs === 0
        ? null
        : round1(((callerCpuEnd - callerCpu) / point.durationMs) * 100)
    return point
  } finally {
    clearInterval(progressTimer)
    signal?.removeEventListener('abort', abort)
  }
}

const round1 = (n: number): number => Math.round(n * 10) / 10
const round3 = (n: number): number => Math.round(n * 1000) / 1000

export function toPoint(
  clients: number,
  results: LoadResult[],
  connectErrors: number[],
  loops: Array<number | null>,
): PerfStepPoint {
  const histogram = mergeEncoded(results.map((r) => r.histogram))
  const latency = summarize(histogram)
  histogram.destroy()
  const sum = (f: (r: LoadResult) => number): number => results.reduce((a, r) => a + f(r), 0)
  const starts = results.filter((r) => r.firstSendAt > 0).map((r) => r.firstSendAt)
  const ends = results.map((r) => r.lastAnswerAt)
  const durationMs = starts.length > 0 ? Math.max(0, Math.max(...ends) - Math.min(...starts)) : 0
  const seconds = durationMs / 1000
  const ok = sum((r) => r.ok)
  const bytes = sum((r) => r.bytes)
  const cpu = results.every((r) => r.cpuMs !== null) ? sum((r) => r.cpuMs ?? 0) : null
  const knownLoops = loops.filter((l): l is number => l !== null)
  return {
    clients,
    requests: ok,
    errors: sum((r) => r.errors) + connectErrors.reduce((a, b) => a + b, 0),
    timeouts: sum((r) => r.timeouts),
    meanMs: latency.meanMs,
    p50Ms: latency.p50Ms,
    p95Ms: latency.p95Ms,
    p99Ms: latency.p99Ms,
    maxMs: latency.maxMs,
    requestsPerSec: seconds > 0 ? round1(ok / seconds) : 0,
    mbPerSec: seconds > 0 ? round3(bytes / 1e6 / seconds) : 0,
    durationMs: round1(durationMs),
    bytes,
    connectErrors: connectErrors.reduce((a, b) => a + b, 0),
    generator: {
      threads: results.length,
      cpuPercent: cpu === null || durationMs === 0 ? null : round1((cpu / durationMs) * 100),
      maxLoopUtilization: knownLoops.length > 0 ? round3(Math.max(...knownLoops)) : null,
    },
    callerCpuPercent: null,
    errorSamples: [...new Set(results.flatMap((r) => r.errorSamples))].slice(0, 5),
  }
}
