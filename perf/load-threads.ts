// The coordinator's view of the threads that generate load: worker threads (default, so the generator is not the
// bottleneck of a single event loop) or the calling thread itself (workers: 0, or where the worker file is not
// available, e.g. inside a bundled app). Both expose the same prepare -> go -> finish cycle per step.
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

const SHIM = new URL('./worker-shim.mjs', import.meta.url)

export function workersAvailable(): boolean {
  return SHIM.protocol === 'file:' && existsSync(fileURLToPath(SHIM))
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

/** Starts `count` worker threads and waits until each is online; count 0 gives one inline thread. */
export async function startLoadThreads(count: number): Promise<LoadThread[]> {
  if (count === 0) return [new InlineThread()]
  if (!workersAvailable()) {
    throw new FerryError('UNSUPPORTED', 'load workers are not available here; use workers: 0')
  }
  const started = await Promise.allSettled(
    Array.from({ length: count }, async () => {
      const worker = new Worker(SHIM)
      await new Promise<void>((resolve, reject) => {
        worker.once('online', resolve)
        worker.once('error', reject)
      })
      return new WorkerThread(worker)
    }),
  )
  const threads = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected')
  if (failed) {
    await Promise.allSettled(threads.map((t) => t.terminate()))
    throw new FerryError('INTERNAL', `could not start load workers: ${String(failed.reason)}`)
  }
  return threads
}
