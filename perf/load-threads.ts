// The coordinator's view of the threads that generate load: worker threads (default, so the generator is not the
// bottleneck of a single event loop) or the calling thread itself (workers: 0, or where no worker file is found).
// Both expose the same prepare -> go -> finish cycle per step.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { EventLoopUtilization } from 'node:perf_hooks'
import { FerryError } from '../main/protocol/error-codes'
import { LoadRunner } from './load-runner'
import type { LoadResult, LoadSpec } from './load-spec'

export type WorkerRequest =
  | { type: 'prepare'; spec: LoadSpec; counters: Int32Array }
  | { type: 'go'; deadlineAt: number }
  | { type: 'finish' }
  | { type: 'abort' }

export type WorkerReply =
  /** Sent once, unasked, when the worker's modules are loaded and it listens for requests. */
  | { type: 'loaded' }
  | { type: 'ready'; connectErrors: number }
  | { type: 'result'; result: LoadResult }
  | { type: 'finished' }
  | { type: 'error'; message: string }

export interface LoadThread {
  prepare(spec: LoadSpec, counters: Int32Array): Promise<number>
  go(deadlineAt: number): Promise<LoadResult>
  finish(): Promise<void>
  abort(): void
  /** Event loop utilization since `since` (null: the calling thread, whose loop also serves other work). */
  utilization(since?: EventLoopUtilization): EventLoopUtilization | null
  terminate(): Promise<void>
}

/**
 * How the load ran: 'bundled-worker' (the app's build ships perf-worker.js next to its main bundle),
 * 'tsx-worker' (source checkout: worker-shim.mjs registers tsx), or 'inline' (in the calling thread, sharing its
 * event loop with whatever else runs there, e.g. the local server and the IPC in the app).
 */
export type GeneratorMode = 'bundled-worker' | 'tsx-worker' | 'inline'

export interface WorkerEntry {
  mode: Exclude<GeneratorMode, 'inline'>
  url: URL
}

/** Name of the worker bundle next to out/main/index.js (the perf-worker input of electron.vite.config.ts). */
export const BUNDLED_WORKER_FILE = 'perf-worker.js'
const SHIM_FILE = 'worker-shim.mjs'

/**
 * The worker file to start, looked up next to `base` (this module, or the bundle it was built into): the bundled
 * worker first, then the tsx shim of a source checkout; null when neither exists.
 */
export function findWorkerEntry(base: string | URL = import.meta.url): WorkerEntry | null {
  // Names go through a variable so the bundler leaves these URLs alone instead of resolving them as assets.
  const candidates: Array<[WorkerEntry['mode'], string]> = [
    ['bundled-worker', BUNDLED_WORKER_FILE],
    ['tsx-worker', SHIM_FILE],
  ]
  for (const [mode, file] of candidates) {
    const url = new URL(`./${file}`, base)
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return { mode, url }
  }
  return null
}

export function workersAvailable(): boolean {
  return findWorkerEntry() !== null
}

class WorkerThread implements LoadThread {
  private pending: {
    expect: WorkerReply['type']
    resolve: (r: WorkerReply) => void
    reject: (e: Error) => void
  } | null = null
  private failure: Error | null = null

  constructor(private readonly worker: Worker) {
    worker.on('message', (message: WorkerReply) => {
      const pending = this.pending
      if (!pending) return
      this.pending = null
      if (message.type === 'error')
        pending.reject(new FerryError('INTERNAL', `load worker: ${message.message}`))
      else if (message.type !== pending.expect) {
        pending.reject(
          new FerryError('INTERNAL', `load worker answered ${message.type}, expected ${pending.expect}`),
        )
      } else pending.resolve(message)
    })
    const fail = (error: Error): void => {
      this.failure = error
      this.pending?.reject(error)
      this.pending = null
    }
    worker.on('error', (e: Error) =>
      fail(new FerryError('INTERNAL', `load worker crashed: ${e.message}`, { cause: e })),
    )
    worker.on('exit', (code) => fail(new FerryError('INTERNAL', `load worker exited (code ${code})`)))
  }

  async prepare(spec: LoadSpec, counters: Int32Array): Promise<number> {
    const reply = await this.ask({ type: 'prepare', spec, counters }, 'ready')
    return reply.type === 'ready' ? reply.connectErrors : 0
  }

  async go(deadlineAt: number): Promise<LoadResult> {
    const reply = await this.ask({ type: 'go', deadlineAt }, 'result')
    if (reply.type !== 'result') throw new FerryError('INTERNAL', 'load worker sent no result')
    return reply.result
  }

  async finish(): Promise<void> {
    await this.ask({ type: 'finish' }, 'finished')
  }

  abort(): void {
    if (!this.failure) this.worker.postMessage({ type: 'abort' } satisfies WorkerRequest)
  }

  utilization(since?: EventLoopUtilization): EventLoopUtilization {
    return this.worker.performance.eventLoopUtilization(since)
  }

  async terminate(): Promise<void> {
    this.worker.removeAllListeners('exit')
    this.worker.on('exit', () => undefined)
    await this.worker.terminate()
  }

  private ask(message: WorkerRequest, expect: WorkerReply['type']): Promise<WorkerReply> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      this.pending = { expect, resolve, reject }
      this.worker.postMessage(message)
    })
  }
}

class InlineThread implements LoadThread {
  private runner: LoadRunner | null = null

  async prepare(spec: LoadSpec, counters: Int32Array): Promise<number> {
    this.runner = new LoadRunner(spec, counters)
    return this.runner.connect()
  }

  go(deadlineAt: number): Promise<LoadResult> {
    if (!this.runner) return Promise.reject(new FerryError('INTERNAL', 'go before prepare'))
    return this.runner.run(deadlineAt)
  }

  async finish(): Promise<void> {
    await this.runner?.close()
    this.runner = null
  }

  abort(): void {
    this.runner?.abortAll()
  }

  utilization(): null {
    return null
  }

  async terminate(): Promise<void> {
    await this.finish()
  }
}

export interface LoadThreads {
  threads: LoadThread[]
  mode: GeneratorMode
}

/**
 * Starts `count` worker threads from `entry` and waits until each is online. Count 0 gives one inline thread, and
 * so does a missing worker file (with a warning): a skewed measurement beats none, and `mode` says which ran.
 */
export async function startLoadThreads(
  count: number,
  entry: WorkerEntry | null = findWorkerEntry(),
): Promise<LoadThreads> {
  if (count === 0) return { threads: [new InlineThread()], mode: 'inline' }
  if (!entry) {
    console.warn(
      `perf: no load worker file (${BUNDLED_WORKER_FILE} or ${SHIM_FILE}) next to ${import.meta.url}; ` +
        'generating load in the calling thread',
    )
    return { threads: [new InlineThread()], mode: 'inline' }
  }
  const started = await Promise.allSettled(
    Array.from({ length: count }, async () => {
      // The bundle is plain JavaScript: it needs none of the parent's loaders (tsx, vitest) and must not rely on them.
      const worker = new Worker(entry.url, entry.mode === 'bundled-worker' ? { execArgv: [] } : {})
      await whenLoaded(worker)
      return new WorkerThread(worker)
    }),
  )
  const threads = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected')
  if (failed) {
    await Promise.allSettled(threads.map((t) => t.terminate()))
    throw new FerryError('INTERNAL', `could not start load workers: ${String(failed.reason)}`)
  }
  return { threads, mode: entry.mode }
}

/**
 * Waits for the worker's 'loaded' message, not for 'online': a worker is online as soon as it starts, but loading
 * its modules (through tsx in a source checkout) can take seconds. Waiting here keeps that time out of the first
 * step, which would otherwise sit at "0 requests" and then hurry through every step at once.
 */
function whenLoaded(worker: Worker): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (): void => {
      worker.off('message', onMessage)
      worker.off('error', onError)
      worker.off('exit', onExit)
    }
    const onMessage = (message: WorkerReply): void => {
      if (message.type !== 'loaded') return
      done()
      resolve()
    }
    const onError = (e: Error): void => {
      done()
      reject(e)
    }
    const onExit = (code: number): void => {
      done()
      reject(new FerryError('INTERNAL', `load worker exited (code ${code}) while loading`))
    }
    worker.on('message', onMessage)
    worker.on('error', onError)
    worker.on('exit', onExit)
  })
}
