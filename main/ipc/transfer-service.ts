// The transfer queue: uploads and downloads run a few at a time (each on its own connection), report throttled
// TransferInfo updates, can be cancelled (AbortController) and retried (the client resumes from the bytes
// already moved: a download's .ferry-part, an upload's partial on the server). With a journal, the list survives
// a restart: what was moving comes back as failed and interrupted, and Retry resumes it.
import { randomUUID } from 'node:crypto'
import { unlink } from 'node:fs/promises'
import type { ApiError, TransferInfo } from '../../preload/api'
import { FerryError } from '../protocol/error-codes'
import { baseName, parentPath } from '../protocol/paths'
import type { RemoteClient, TransferProgress } from './backends'
import { ClientPool } from './client-pool'
import { toApiError } from './result'
import type { Connector, ServerTarget } from './secure-access'
import type { ServiceEvents } from './service-events'
import type { TransferJournal } from './transfer-journal'
import { isFile, journalEntries, restoredJob, restoredTarget } from './transfer-journal'

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
  /** Stopped because the service was disposed (the app quit), not by the user. */
  interrupted: boolean
  /** Came back from the journal: its target has no token, the window's connection may supply one. */
  restored: boolean
}

export interface TransferServiceOptions {
  parallel?: number
  updateIntervalMs?: number
  /** Keeps the list across restarts; made with a snapshot of this service (see transfer-journal.ts). */
  journal?: (snapshot: () => ReturnType<typeof journalEntries>) => TransferJournal
  /** The window's connection, whose token a restored transfer to the same server borrows. */
  currentTarget?: () => ServerTarget | null
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
  private readonly journal: TransferJournal | null
  private readonly currentTarget: () => ServerTarget | null
  /** Resolves once the journal's transfers are back in the list. */
  readonly ready: Promise<void>

  constructor(
    private readonly events: ServiceEvents,
    backends: Connector,
    options: TransferServiceOptions = {},
  ) {
    this.pool = new ClientPool(backends)
    this.parallel = options.parallel ?? DEFAULT_PARALLEL
    this.updateIntervalMs = options.updateIntervalMs ?? UPDATE_INTERVAL_MS
    this.currentTarget = options.currentTarget ?? (() => null)
    this.journal = options.journal ? options.journal(() => journalEntries(this.jobs.values())) : null
    this.ready = this.restore()
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
      const job: Job = {
        ...spec,
        info,
        controller: null,
        lastUpdateAt: 0,
        interrupted: false,
        restored: false,
      }
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
    delete job.info.interrupted
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

  /**
   * Forgets every finished, failed and cancelled transfer (in the journal too) and deletes the staged copies of
   * the unfinished uploads among them. Returns how many were removed.
   */
  async clearFinished(): Promise<number> {
    await this.ready
    const gone = [...this.jobs.values()].filter(
      (j) => j.info.state !== 'queued' && j.info.state !== 'running',
    )
    for (const job of gone) this.jobs.delete(job.info.id)
    this.journal?.changed('state')
    const staged = gone.filter((j) => j.removeLocalWhenDone && j.info.state !== 'done')
    // A staged copy nobody can retry any more is only a temp file; failing to delete it leaves just that.
    await Promise.all(staged.map((j) => unlink(j.localPath).catch(() => undefined)))
    return gone.length
  }

  /** Local files of unfinished uploads the service deletes once uploaded (browser mode keeps them on close). */
  stagedFiles(): string[] {
    return [...this.jobs.values()]
      .filter((j) => j.removeLocalWhenDone && j.info.state !== 'done')
      .map((j) => j.localPath)
  }

  /** Stops everything (recorded as interrupted, so a restart offers to resume), saves the list, disconnects. */
  async dispose(): Promise<void> {
    await this.ready
    for (const job of this.queue.splice(0)) {
      job.interrupted = true
      this.finish(job, 'cancelled', null)
    }
    for (const job of this.running) {
      job.interrupted = true
      job.controller?.abort()
    }
    await this.idle()
    await this.pool.drain()
    await this.journal?.flush()
  }

  private async restore(): Promise<void> {
    if (!this.journal) return
    const entries = await this.journal.load()
    let dropped = false
    for (const entry of entries) {
      // A staged browser upload whose copy is gone cannot be resumed, and there is nothing left to show for it.
      if (entry.removeLocalWhenDone && entry.state !== 'done' && !(await isFile(entry.localPath))) {
        dropped = true
        continue
      }
      if (this.jobs.has(entry.id)) continue
      const { info, ...spec } = restoredJob(entry)
      const job: Job = { ...spec, total: info.total, info, controller: null, lastUpdateAt: 0, restored: true }
      this.jobs.set(info.id, job)
      this.update(job)
    }
    if (dropped) this.journal.changed('state')
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
    const target = job.restored ? restoredTarget(job.target, this.currentTarget()) : job.target
    try {
      client = await this.pool.acquire(target, controller.signal)
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
      else this.finish(job, 'failed', this.explain(toApiError(err), target))
    } finally {
      job.controller = null
      if (client) this.pool.release(target, client, healthy)
    }
  }

  /** A restored transfer has no token of its own: say how to give it one. */
  private explain(error: ApiError, target: ServerTarget): ApiError {
    if (error.code !== 'AUTH_REQUIRED' || target.token) return error
    return {
      ...error,
      message: `${target.host}:${target.port} asks for an access token: connect to it first (with its token), then retry`,
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
    this.journal?.changed('progress')
    const now = Date.now()
    if (now - job.lastUpdateAt < this.updateIntervalMs) return
    this.update(job, 'progress')
  }

  private finish(job: Job, state: 'done' | 'failed' | 'cancelled', error: TransferInfo['error']): void {
    Object.assign(job.info, { state, error, finishedAt: Date.now(), rate: 0 })
    this.update(job)
  }

  private update(job: Job, kind: 'state' | 'progress' = 'state'): void {
    if (kind === 'state') this.journal?.changed('state')
    job.lastUpdateAt = Date.now()
    this.events.emit('transfer', { type: 'update', transfer: { ...job.info } })
  }
}
