// PUT, two-phase: prepareUpload runs the server's checks (read-only, size limit, quota) and opens the store's
// staged write (answering ready with the offset it already holds and, when resuming, the SHA-256 of those bytes);
// the Upload then passes the DATA body on with backpressure. At the end of the body (up-front form) or on the
// DATA_END trailer that follows it (streamed form) the store verifies size and SHA-256 and places the file.
// Files are reached only through ctx.store, so this works the same on a folder and on a bucket.
import { randomUUID } from 'node:crypto'
import { FerryError, fromSystemError } from '../protocol/error-codes'
import type { Request } from '../protocol/messages'
import { parseRelativePath } from '../protocol/paths'
import { TransferReporter, type EventSink } from './events'
import type { ShareStore, StagedWrite, StoreStat } from '../store/share-store'
import type { ShareQuota } from '../security/share-quota'

export interface UploadContext {
  store: ShareStore
  events: EventSink
  readOnly: boolean
  /** Largest file accepted, if limited. */
  maxFileBytes?: number
  /** Most bytes the share may hold, if limited. */
  quota?: ShareQuota
}

type PutRequest = Extract<Request, { op: 'PUT' }>

/**
 * Body bytes handed to the store but not yet taken by it before the socket is paused, and the mark at which it
 * resumes. The store has its own buffer behind this (a folder queues 4 MiB for the disk, S3 fills a part), so this
 * only covers the moments the store makes a write wait.
 */
const QUEUE_HIGH_WATER = 1024 * 1024
const QUEUE_LOW_WATER = 512 * 1024

/** What is at `path` now, or null. */
async function statOrNull(store: ShareStore, path: string): Promise<StoreStat | null> {
  try {
    return await store.stat(path)
  } catch (err: unknown) {
    if (err instanceof FerryError && err.code === 'NOT_FOUND') return null
    throw err
  }
}

export async function prepareUpload(ctx: UploadContext, clientId: string, req: PutRequest): Promise<Upload> {
  if (ctx.readOnly) throw new FerryError('READ_ONLY', 'the share is read-only')
  if (parseRelativePath(req.path).length === 0) {
    throw new FerryError('PATH_INVALID', 'the share root itself cannot be changed')
  }
  // Refused before any byte is sent; the store checks again when it places the file.
  const existing = await statOrNull(ctx.store, req.path)
  if (existing?.type === 'dir') throw new FerryError('IS_A_DIRECTORY', `${req.path}: is a folder`)
  if (existing && req.mode === 'fail') throw new FerryError('EXISTS', `${req.path}: already exists`)
  if (ctx.maxFileBytes !== undefined && req.size > ctx.maxFileBytes) {
    throw new FerryError(
      'TOO_LARGE',
      `${req.path}: ${req.size} bytes exceeds the limit of ${ctx.maxFileBytes}`,
    )
  }
  // The upload's identity across retries and servers: the file's SHA-256 (up-front) or the client's key
  // (streamed; prefixed, so the two can never meet). A streamed upload without a key has nothing to be found by
  // again: it gets a key of its own and drops its bytes when it ends unfinished.
  const resumable = req.sha256 !== undefined || req.uploadKey !== undefined
  const key = req.sha256 ?? (req.uploadKey === undefined ? `once:${randomUUID()}` : `key:${req.uploadKey}`)
  const staged = await ctx.store.stage(req.path, {
    size: req.size,
    key,
    resume: resumable && req.resume === true,
    resumable,
    onWait: () => ctx.events.log('info', `${req.path}: resume waits for the previous upload to let go of it`),
  })
  try {
    await ctx.quota?.claim(req.size - staged.offset)
  } catch (err: unknown) {
    await staged.abandon({ discard: staged.offset === 0 || !resumable })
    throw err
  }
  const reporter = new TransferReporter(ctx.events, {
    clientId,
    direction: 'upload',
    path: req.path,
    total: req.size,
  })
  return new Upload(req, staged, resumable, reporter)
}

export class Upload {
  /** Bytes the DATA body must carry. */
  readonly expected: number
  readonly offset: number
  /** SHA-256 of the `offset` bytes already held, for the ready response (undefined at offset 0). */
  readonly prefixSha256: string | undefined
  private received = 0
  private settled = false
  private bodyEnded = false
  /** Body bytes given to the store one write at a time, in order; `queued` of them not yet taken. */
  private writing: Promise<void> = Promise.resolve()
  private queued = 0
  private failure: FerryError | null = null
  private roomWaiters: (() => void)[] = []

  constructor(
    readonly request: PutRequest,
    private readonly staged: StagedWrite,
    /** False for a streamed upload without a key: what it staged is dropped when it ends unfinished. */
    private readonly resumable: boolean,
    private readonly reporter: TransferReporter,
  ) {
    this.offset = staged.offset
    this.prefixSha256 = staged.prefixSha256
    this.expected = request.size - staged.offset
    reporter.started(staged.offset)
  }

  get id(): number {
    return this.request.id
  }

  /** Streamed form: the file's SHA-256 comes in a DATA_END frame after the body, not in the PUT. */
  get streamed(): boolean {
    return this.request.sha256 === undefined
  }

  /** True once the whole DATA body arrived and a streamed upload waits for its DATA_END. */
  get awaitingTrailer(): boolean {
    return this.bodyEnded && !this.settled
  }

  /** The DATA body is complete; a streamed upload now waits for DATA_END (see finish). */
  endBody(): void {
    this.bodyEnded = true
  }

  /**
   * Takes the next body chunk; false means the store is behind: pause the socket until drained(). The socket
   * hands out a fresh buffer per read and nothing here changes it, so the store may keep it until written.
   */
  write(chunk: Buffer): boolean {
    if (this.failure !== null || this.settled) return true
    this.received += chunk.length
    this.queued += chunk.length
    this.reporter.progress(this.offset + this.received)
    this.writing = this.writing
      .then(() => (this.failure === null ? this.staged.write(chunk) : undefined))
      .catch((err: unknown) => {
        this.failure ??= fromSystemError(err, this.request.path)
      })
      .finally(() => {
        this.queued -= chunk.length
        if (this.queued <= QUEUE_LOW_WATER || this.failure !== null) this.wake()
      })
    return this.queued <= QUEUE_HIGH_WATER
  }

  /** Resolves once the store has room again (or failed: finish reports the error). */
  drained(): Promise<void> {
    if (this.queued <= QUEUE_LOW_WATER || this.failure !== null) return Promise.resolve()
    return new Promise((resolve) => this.roomWaiters.push(resolve))
  }

  /**
   * The body is complete and `expected` is the SHA-256 it must have (the PUT's, or the DATA_END's): the store
   * verifies, persists and places. Resolves the done response fields.
   */
  async finish(expected: string | undefined = this.request.sha256): Promise<Record<string, unknown>> {
    this.settled = true
    const req = this.request
    try {
      await this.writing
      if (this.failure) throw this.failure
      if (expected === undefined) throw new FerryError('PROTOCOL', `${req.path}: no SHA-256 to check`)
      const done = await this.staged.commit(expected, req.mode)
      this.reporter.done(req.size)
      return { done: true, path: done.path, size: done.size, sha256: done.sha256 }
    } catch (err: unknown) {
      const error = fromSystemError(err, req.path)
      this.reporter.failed(this.offset + this.received, error)
      // A write error keeps what the store holds for a resume, as a failed commit does.
      await this.staged.abandon({ discard: !this.resumable })
      throw error
    }
  }

  /**
   * Gives up without completing (connection dropped, CANCEL, a bad DATA header): whatever arrived goes to the
   * store and is kept for a later resume, unless `discard` (the client said its partial is stale) or the upload
   * cannot be resumed. Resolves once that is done (never rejects).
   */
  abandon(reason: FerryError, options: { discard?: boolean } = {}): Promise<void> {
    if (this.settled) return Promise.resolve()
    this.settled = true
    this.reporter.failed(this.offset + this.received, reason)
    const discard = options.discard === true || !this.resumable
    return this.writing.then(() => this.staged.abandon({ discard })).catch(() => undefined)
  }

  private wake(): void {
    const waiters = this.roomWaiters
    this.roomWaiters = []
    for (const resolve of waiters) resolve()
  }
}
