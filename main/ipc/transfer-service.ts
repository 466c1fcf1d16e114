// The transfer queue: uploads and downloads run a few at a time (each on its own connection), report throttled
// TransferInfo updates, can be cancelled (AbortController) and retried (the client resumes from the bytes
// already moved: a download's .ferry-part, an upload's partial on the server). With a journal, the list survives
// a restart: what was moving comes back as failed and interrupted, and Retry resumes it. A folder is one job
// (folder-job.ts): the client moves its files many at a time, the job reports throttled progress over all of them
// (never an event per file), keeps its failures and recent files in a ledger, and resumes as a whole. In browser
// mode a job can exist before its files do: it shows the bytes the page sends (the 'sending' phase) and joins the
// queue once they are all here (enqueueArriving).
import { unlink } from 'node:fs/promises'
import type { ApiError, TransferFilePage, TransferInfo } from '../../preload/api'
import type { JobProgress } from '../client/job-types'
import { FerryError } from '../protocol/error-codes'
import { parentPath } from '../protocol/paths'
import type { RemoteClient, TransferProgress } from './backends'
import { ClientPool } from './client-pool'
import { runFileJob } from './file-job'
import { runFolderJob } from './folder-job'
import type { FileJob, FolderJob, Job, JobSpec } from './job-specs'
import { createJob, restoredJobOf, stagedOf } from './job-specs'
import { toApiError } from './result'
import type { Connector, ServerTarget } from './secure-access'
import type { ServiceEvents } from './service-events'
import type { TransferJournal } from './transfer-journal'
import { journalEntries, restoredTarget } from './transfer-journal'
import { restoreJobs } from './transfer-restore'

export type { FileJobSpec, FolderJobSpec, JobSpec } from './job-specs'

export const DEFAULT_PARALLEL = 3
/** Progress updates per transfer at most this often; state changes are sent at once. */
export const UPDATE_INTERVAL_MS = 250

/** How a job whose files are still arriving hears about them (see TransferService.enqueueArriving). */
export interface Arrival {
  /** What has arrived so far, of the job's total, and the rate it comes at. */
  progress(p: TransferProgress): void
  /** Every file is here: the job joins the queue. */
  arrived(): void
  /** The files stopped coming (the page went away, a write failed): the job fails with this error. */
  failed(error: ApiError): void
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
    this.journal = options.journal ? options.journal(() => journalEntries(this.resumable())) : null
    this.ready = this.restore()
  }

  /** Adds jobs to the queue and returns their ids in order. */
  enqueue(specs: JobSpec[]): string[] {
    const ids = specs.map((spec) => {
      const job = this.add(spec, null)
      this.queue.push(job)
      this.update(job)
      return job.info.id
    })
    this.pump()
    return ids
  }

  /**
   * Adds a job whose local files are still on their way (browser mode: the page is sending them). It shows at
   * once, running in the 'sending' phase with the bytes that arrive, and joins the queue when all have; a cancel
   * meanwhile calls stop, which stops the sender and removes what arrived. The journal leaves it out until
   * then: copies that are half there cannot be resumed.
   */
  enqueueArriving(spec: JobSpec, stop: () => void): { id: string; arrival: Arrival } {
    const job = this.add(spec, stop)
    Object.assign(job.info, { state: 'running', phase: 'sending' })
    this.update(job)
    const sending = () => job.stopSending !== null
    const arrival: Arrival = {
      progress: (p) => {
        if (sending()) this.progress(job, p)
      },
      arrived: () => {
        if (!sending()) return
        job.stopSending = null
        delete job.info.phase
        Object.assign(job.info, { state: 'queued', bytes: 0, rate: 0 })
        if (job.kind === 'folder') this.saveFiles(job)
        this.queue.push(job)
        this.update(job)
        this.pump()
      },
      failed: (error) => {
        if (!sending()) return
        job.stopSending = null
        this.finish(job, 'failed', error)
      },
    }
    return { id: job.info.id, arrival }
  }

  private add(spec: JobSpec, stopSending: (() => void) | null): Job {
    const job = createJob(spec, stopSending)
    // An upload's file list is what a resume after a restart needs: saved once, now (or once it has arrived).
    if (job.kind === 'folder' && job.files && !stopSending) this.saveFiles(job)
    this.jobs.set(job.info.id, job)
    return job
  }

  list(): TransferInfo[] {
    return [...this.jobs.values()].map((j) => ({ ...j.info }))
  }

  /** A page of a folder job's settled files (failures first); a file job has none to list. */
  listFiles(id: string, offset: number, limit: number): TransferFilePage {
    const job = this.find(id)
    return job.kind === 'folder' ? job.ledger.page(offset, limit) : { files: [], total: 0 }
  }

  cancel(id: string): null {
    const job = this.find(id)
    const stopSending = job.stopSending
    if (stopSending) {
      job.stopSending = null
      stopSending()
      this.finish(job, 'cancelled', null)
    } else if (job.info.state === 'queued') {
      this.queue.splice(this.queue.indexOf(job), 1)
      this.finish(job, 'cancelled', null)
    } else if (job.info.state === 'running') {
      job.controller?.abort()
    }
    return null
  }

  retry(id: string): null {
    const job = this.find(id)
    if (job.info.phase === 'sending' && !job.stopSending) {
      throw new FerryError('INVALID_ARGUMENT', 'nothing of this upload reached Ferry: drop the files again')
    }
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
    for (const job of gone) {
      this.jobs.delete(job.info.id)
      if (job.kind === 'folder') this.journal?.files.remove(job.info.id)
    }
    this.journal?.changed('state')
    // A staged copy nobody can retry any more is only a temp file; failing to delete it leaves just that.
    for (const path of stagedOf(gone)) await unlink(path).catch(() => undefined)
    return gone.length
  }

  /** Local files of unfinished uploads the service deletes once uploaded (browser mode keeps them on close). */
  stagedFiles(): string[] {
    return stagedOf(this.jobs.values())
  }

  /** Stops everything (recorded as interrupted, so a restart offers to resume), saves the list, disconnects. */
  async dispose(): Promise<void> {
    await this.ready
    // Jobs still arriving have nothing to resume from: their senders stop and their copies go.
    for (const job of this.jobs.values()) if (job.stopSending) this.cancel(job.info.id)
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
    const { jobs, dropped } = await restoreJobs(this.journal)
    for (const { spec, info, ledger } of jobs) {
      if (this.jobs.has(info.id)) continue
      const job = restoredJobOf(spec, info, ledger)
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
      const failure =
        job.kind === 'file' ? await this.runFile(client, job) : await this.runFolder(client, job)
      healthy = true
      if (failure) this.finish(job, 'failed', this.explain(failure, target))
      else this.finish(job, 'done', null)
    } catch (err: unknown) {
      if (controller.signal.aborted) this.finish(job, 'cancelled', null)
      else this.finish(job, 'failed', this.explain(toApiError(err), target))
    } finally {
      job.controller = null
      if (client) this.pool.release(target, client, healthy)
    }
  }

  private runFile(client: RemoteClient, job: FileJob): Promise<null> {
    return runFileJob(client, job, {
      signal: job.controller?.signal,
      progressIntervalMs: this.updateIntervalMs,
      onProgress: (p: TransferProgress) => this.progress(job, p),
      ensureRemoteFolder: () => this.ensureRemoteFolder(client, job),
    })
  }

  /** Runs a folder job; resolves with why it failed (some files failed, or it stopped), null when done. */
  private runFolder(client: RemoteClient, job: FolderJob): Promise<ApiError | null> {
    return runFolderJob(client, job, {
      signal: job.controller?.signal ?? AbortSignal.abort(),
      progressIntervalMs: this.updateIntervalMs,
      onProgress: (p: JobProgress) => this.progress(job, p),
    })
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

  private progress(job: Job, p: TransferProgress | JobProgress): void {
    if (job.info.state !== 'running') return
    // The planned size stands until the client knows better (a meter may report total 0 before it does).
    Object.assign(job.info, { bytes: p.bytes, rate: p.rate, ...(p.total > 0 ? { total: p.total } : {}) })
    if ('filesTotal' in p) {
      job.info.files = {
        done: p.filesDone,
        failed: p.filesFailed,
        skipped: p.filesSkipped,
        total: p.filesTotal,
      }
    }
    this.journal?.changed('progress')
    const now = Date.now()
    if (now - job.lastUpdateAt < this.updateIntervalMs) return
    this.update(job, 'progress')
  }

  private finish(job: Job, state: 'done' | 'failed' | 'cancelled', error: TransferInfo['error']): void {
    Object.assign(job.info, { state, error, finishedAt: Date.now(), rate: 0 })
    // A folder's files are saved when it stops, never per file; once done there is nothing left to resume, and
    // one that stopped while its files were arriving never had any to resume from.
    if (job.kind === 'folder' && job.info.phase !== 'sending') {
      if (state === 'done') this.journal?.files.remove(job.info.id)
      else this.saveFiles(job)
    }
    this.update(job)
  }

  /** The jobs the journal keeps: all but those whose files are (or stopped) arriving. */
  private *resumable(): Iterable<Job> {
    for (const job of this.jobs.values()) if (job.info.phase !== 'sending') yield job
  }

  private saveFiles(job: FolderJob): void {
    this.journal?.files.save(job.info.id, () => ({
      ...job.ledger.record(),
      ...(job.files ? { files: job.files } : {}),
    }))
  }

  private update(job: Job, kind: 'state' | 'progress' = 'state'): void {
    if (kind === 'state') this.journal?.changed('state')
    job.lastUpdateAt = Date.now()
    this.events.emit('transfer', { type: 'update', transfer: { ...job.info } })
  }
}
