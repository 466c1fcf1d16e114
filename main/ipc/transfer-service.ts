// The transfer queue: uploads and downloads run a few at a time (each on its own connection), report throttled
// TransferInfo updates, can be cancelled (AbortController) and retried (the client resumes from the bytes
// already moved: a download's .ferry-part, an upload's partial on the server).
import { randomUUID } from 'node:crypto'
import { unlink } from 'node:fs/promises'
import type { TransferInfo } from '../../preload/api'
import { FerryError } from '../protocol/error-codes'
import { baseName, parentPath } from '../protocol/paths'
import type { RemoteClient, TransferProgress } from './backends'
import { ClientPool } from './client-pool'
import { toApiError } from './result'
import type { Connector, ServerTarget } from './secure-access'
import type { ServiceEvents } from './service-events'

export const DEFAULT_PARALLEL = 3
/** Progress updates per transfer at most this often; state changes are sent at once. */
export const UPDATE_INTERVAL_MS = 250

export interface JobSpec {
  direction: 'upload' | 'download'
  target: ServerTarget
  /** Upload: the source file. Download: where the file goes. */
  localPath: string
  remotePath: string
  total: number
  /** Delete localPath once the upload is done (browser mode's staging copies). */
  removeLocalWhenDone?: boolean
}

interface Job extends JobSpec {
  info: TransferInfo
  controller: AbortController | null
  lastUpdateAt: number
}

export class TransferService {
  private readonly jobs = new Map<string, Job>()
  private readonly queue: Job[] = []
  private readonly running = new Set<Job>()
  private readonly pool: ClientPool
  private readonly settled = new Set<() => void>()
  private readonly parallel: number
  /** Remote folders known to exist, forgotten whenever the queue drains (someone may delete them). */
  private readonly folders = new Set<string>()
  private readonly updateIntervalMs: number

  constructor(
    private readonly events: ServiceEvents,
    backends: Connector,
    options: { parallel?: number; updateIntervalMs?: number } = {},
  ) {
    this.pool = new ClientPool(backends)
    this.parallel = options.parallel ?? DEFAULT_PARALLEL
    this.updateIntervalMs = options.updateIntervalMs ?? UPDATE_INTERVAL_MS
  }

  /** Adds jobs to the queue and returns their ids in order. */
  enqueue(specs: JobSpec[]): string[] {
    const ids: string[] = []
    for (const spec of specs) {
      const id = randomUUID()
      const name = baseName(spec.remotePath)
      const info: TransferInfo = {
        id,
        direction: spec.direction,
        name,
        remotePath: spec.remotePath,
        localPath: spec.localPath,
        state: 'queued',
        bytes: 0,
        total: spec.total,
        rate: 0,
        startedAt: Date.now(),
        finishedAt: null,
        error: null,
      }
      const job: Job = { ...spec, info, controller: null, lastUpdateAt: 0 }
      this.jobs.set(id, job)
      this.queue.push(job)
      this.update(job)
      ids.push(id)
    }
    this.pump()
    return ids
  }

  list(): TransferInfo[] {
    return [...this.jobs.values()].map((j) => ({ ...j.info }))
  }

  cancel(id: string): null {
    const job = this.find(id)
    if (job.info.state === 'queued') {
      this.queue.splice(this.queue.indexOf(job), 1)
      this.finish(job, 'cancelled', null)
    } else if (job.info.state === 'running') {
      job.controller?.abort()
    }
    return null
  }

  retry(id: string): null {
    const job = this.find(id)
    if (job.info.state !== 'failed' && job.info.state !== 'cancelled') {
      throw new FerryError(
        'INVALID_ARGUMENT',
        `transfer is ${job.info.state}: only failed or cancelled ones can be retried`,
      )
    }
    Object.assign(job.info, { state: 'queued', error: null, finishedAt: null, rate: 0 })
    this.queue.push(job)
    this.update(job)
    this.pump()
    return null
  }

  /** Resolves when nothing is queued or running (tests, shutdown). */
  idle(): Promise<void> {
    if (this.queue.length === 0 && this.running.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.settled.add(resolve))
  }

  /** Cancels everything and closes the connections. */
  async dispose(): Promise<void> {
    for (const job of this.queue.splice(0)) this.finish(job, 'cancelled', null)
    for (const job of this.running) job.controller?.abort()
    await this.idle()
    await this.pool.drain()
  }

  private find(id: string): Job {
    const job = this.jobs.get(id)
    if (!job) throw new FerryError('NOT_FOUND', `no transfer with id ${id}`)
    return job
  }

  private pump(): void {
    while (this.running.size < this.parallel) {
      const job = this.queue.shift()
      if (!job) break
      this.running.add(job)
      void this.run(job).finally(() => {
        this.running.delete(job)
        this.pump()
      })
    }
    if (this.queue.length === 0 && this.running.size === 0) {
      void this.pool.drain()
      this.folders.clear()
      for (const resolve of [...this.settled]) resolve()
      this.settled.clear()
    }
  }

  private async run(job: Job): Promise<void> {
    const controller = new AbortController()
    job.controller = controller
    Object.assign(job.info, { state: 'running', startedAt: Date.now(), rate: 0 })
    this.update(job)
    let client: RemoteClient | null = null
    let healthy = false
    try {
      client = await this.pool.acquire(job.target, controller.signal)
      const options = {
        signal: controller.signal,
        progressIntervalMs: this.updateIntervalMs,
        onProgress: (p: TransferProgress) => this.progress(job, p),
        resume: true,
      }
      if (job.direction === 'upload') {
        await this.ensureRemoteFolder(client, job)
        const result = await client.upload(job.localPath, job.remotePath, { ...options, mode: 'rename' })
        Object.assign(job.info, { remotePath: result.path, name: baseName(result.path), bytes: result.size })
        // The staged copy has served its purpose; failing to delete it only leaves a temp file behind.
        if (job.removeLocalWhenDone) await unlink(job.localPath).catch(() => undefined)
      } else {
        const result = await client.download(job.remotePath, job.localPath, { ...options, overwrite: false })
        job.info.bytes = result.size
      }
      job.info.total = job.info.bytes
      healthy = true
      this.finish(job, 'done', null)
    } catch (err: unknown) {
      if (controller.signal.aborted) this.finish(job, 'cancelled', null)
      else this.finish(job, 'failed', toApiError(err))
    } finally {
      job.controller = null
      if (client) this.pool.release(job.target, client, healthy)
    }
  }

  /** The server does not create parent folders on PUT; make them once per folder while the queue runs. */
  private async ensureRemoteFolder(client: RemoteClient, job: Job): Promise<void> {
    const folder = parentPath(job.remotePath)
    const key = JSON.stringify([job.target.host, job.target.port, folder])
    if (folder === '' || this.folders.has(key)) return
    try {
      await client.mkdir(folder, { parents: true })
    } catch (err: unknown) {
      if (!(err instanceof FerryError && err.code === 'EXISTS')) throw err
    }
    this.folders.add(key)
  }

  private progress(job: Job, p: TransferProgress): void {
    if (job.info.state !== 'running') return
    // The planned size stands until the client knows better (a meter may report total 0 before it does).
    Object.assign(job.info, { bytes: p.bytes, rate: p.rate, ...(p.total > 0 ? { total: p.total } : {}) })
    const now = Date.now()
    if (now - job.lastUpdateAt < this.updateIntervalMs) return
    this.update(job)
  }

  private finish(job: Job, state: 'done' | 'failed' | 'cancelled', error: TransferInfo['error']): void {
    Object.assign(job.info, { state, error, finishedAt: Date.now(), rate: 0 })
    this.update(job)
  }

  private update(job: Job): void {
    job.lastUpdateAt = Date.now()
    this.events.emit('transfer', { type: 'update', transfer: { ...job.info } })
  }
}
