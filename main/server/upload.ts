// PUT, two-phase: prepareUpload runs every check and opens the partial (answering ready with the offset it
// already holds and, when resuming, the SHA-256 of those bytes); the Upload then receives the DATA body with
// backpressure, hashing as it goes. At the end of the body (up-front form) or on the DATA_END trailer that follows
// it (streamed form) it verifies size and SHA-256, fsyncs, and places the file atomically.
import { createHash, type Hash } from 'node:crypto'
import { promises as fsp } from 'node:fs'
import { FerryError, fromSystemError } from '../protocol/error-codes'
import type { Request } from '../protocol/messages'
import { joinRelativePath, parentPath } from '../protocol/paths'
import { FileSink, SyncSlots } from '../fs-io/file-sink'
import { hashFdRange } from '../fs-io/hash-range'
import { TransferReporter, type EventSink } from './events'
import { closeFd, fstatFd, fsyncFd, openFd } from '../store/local/fd-io'
import type { ShareRoot } from '../store/local/share-root'
import { UploadStore, type PartialSlot } from '../store/local/upload-store'
import type { ShareQuota } from '../security/share-quota'

export interface UploadContext {
  share: ShareRoot
  uploads: UploadStore
  events: EventSink
  readOnly: boolean
  /** Largest file accepted, if limited. */
  maxFileBytes?: number
  /** Most bytes the share may hold, if limited. */
  quota?: ShareQuota
}

type PutRequest = Extract<Request, { op: 'PUT' }>

/**
 * Bytes queued towards the partial file before the socket is paused, and the mark at which it resumes: the file
 * side keeps writing from the rest of the queue meanwhile (see FileSink). Batches smaller than the gap between
 * the two marks, so a batch finishing never empties the queue while the socket is paused.
 */
const WRITE_HIGH_WATER = 4 * 1024 * 1024
const WRITE_LOW_WATER = 2 * 1024 * 1024
const WRITE_BATCH = 1024 * 1024
/**
 * The part is fdatasync'ed in the background every SYNC_EVERY bytes, so the final fsync (which still decides
 * success) finds little left to write: measured here, it went from about 300 ms to 5-16 ms per GiB. At most one
 * such sync runs at a time across all uploads this server receives (see SyncSlots).
 */
const SYNC_EVERY = 32 * 1024 * 1024
const BACKGROUND_SYNCS = new SyncSlots(1)

export async function prepareUpload(ctx: UploadContext, clientId: string, req: PutRequest): Promise<Upload> {
  if (ctx.readOnly) throw new FerryError('READ_ONLY', 'the share is read-only')
  const target = await ctx.share.resolveTarget(req.path)
  if (target.existing) {
    const stats = target.existing.isSymbolicLink() ? await fsp.stat(target.targetReal) : target.existing
    if (stats.isDirectory()) throw new FerryError('IS_A_DIRECTORY', `${req.path}: is a folder`)
    if (req.mode === 'fail') throw new FerryError('EXISTS', `${req.path}: already exists`)
  }
  if (ctx.maxFileBytes !== undefined && req.size > ctx.maxFileBytes) {
    throw new FerryError(
      'TOO_LARGE',
      `${req.path}: ${req.size} bytes exceeds the limit of ${ctx.maxFileBytes}`,
    )
  }
  const identity =
    req.sha256 ?? (req.uploadKey === undefined ? null : UploadStore.uploadIdentity(req.uploadKey))
  // A streamed upload without a key has nothing to find its partial by again: it gets a private file.
  const slot =
    identity === null
      ? ctx.uploads.privateSlot()
      : await ctx.uploads.claim(req.path, req.size, identity, {
          resume: req.resume === true,
          onWait: () =>
            ctx.events.log('info', `${req.path}: resume waits for the previous upload to let go of it`),
        })
  let fd: number | null = null
  try {
    let offset = 0
    if (req.resume && slot.resumable) {
      const held = await fsp.lstat(slot.file).catch(() => null)
      if (held?.isFile() && held.size <= req.size) offset = held.size
    }
    await ctx.quota?.claim(req.size - offset)
    await ctx.uploads.assertSpace(ctx.share.real, req.size - offset)
    fd = await openFd(slot.file, offset > 0 ? 'r+' : 'w', 0o666)
    const hash = createHash('sha256')
    await hashFdRange(fd, hash, 0, offset, { label: `partial upload of ${req.path}` })
    // The client checks these bytes are really its own before it sends the rest.
    const prefixSha256 = offset > 0 ? hash.copy().digest('hex') : undefined
    const reporter = new TransferReporter(ctx.events, {
      clientId,
      direction: 'upload',
      path: req.path,
      total: req.size,
    })
    return new Upload(ctx, req, slot, fd, hash, offset, reporter, prefixSha256)
  } catch (err: unknown) {
    if (fd !== null) await closeFd(fd).catch(() => undefined)
    slot.release()
    throw fromSystemError(err, req.path)
  }
}

export class Upload {
  /** Bytes the DATA body must carry. */
  readonly expected: number
  private readonly sink: FileSink
  private received = 0
  private settled = false
  private fdClosed = false
  private bodyEnded = false

  constructor(
    private readonly ctx: UploadContext,
    readonly request: PutRequest,
    private readonly slot: PartialSlot,
    private readonly fd: number,
    private readonly hash: Hash,
    readonly offset: number,
    private readonly reporter: TransferReporter,
    /** SHA-256 of the `offset` bytes already held, for the ready response (undefined at offset 0). */
    readonly prefixSha256?: string,
  ) {
    this.expected = request.size - offset
    this.sink = new FileSink(fd, offset, {
      highWaterBytes: WRITE_HIGH_WATER,
      lowWaterBytes: WRITE_LOW_WATER,
      maxBatchBytes: WRITE_BATCH,
      syncEveryBytes: SYNC_EVERY,
      syncSlots: BACKGROUND_SYNCS,
    })
    reporter.started(offset)
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
   * Takes the next body chunk; false means the file side is full: pause the socket until drained(). The chunk
   * is queued for the file before it is hashed, so the thread pool writes it while this thread hashes it; the
   * socket hands out a fresh buffer per read and nothing here changes it, so the bytes hashed are the bytes
   * written.
   */
  write(chunk: Buffer): boolean {
    if (this.sink.error !== null || this.settled) return true
    const room = this.sink.write(chunk)
    this.hash.update(chunk)
    this.received += chunk.length
    this.reporter.progress(this.offset + this.received)
    return room
  }

  /** Resolves once the file side has room again (or failed: finish reports the error). */
  drained(): Promise<void> {
    return this.sink.room()
  }

  /**
   * The body is complete and `expected` is the SHA-256 it must have (the PUT's, or the DATA_END's): verify,
   * persist and place. Resolves the done response fields.
   */
  async finish(expected: string | undefined = this.request.sha256): Promise<Record<string, unknown>> {
    this.settled = true
    const req = this.request
    let keepPartial = this.slot.resumable
    try {
      await this.sink.flush()
      const size = (await fstatFd(this.fd)).size
      if (size !== req.size) {
        keepPartial = false
        throw new FerryError('SIZE_MISMATCH', `${req.path}: received ${size} of ${req.size} bytes`)
      }
      const sha256 = this.hash.digest('hex')
      if (sha256 !== expected) {
        keepPartial = false
        throw new FerryError('CHECKSUM_MISMATCH', `${req.path}: SHA-256 of the received bytes does not match`)
      }
      await fsyncFd(this.fd)
      await this.closeOnce()
      // Resolved again: the folder may have moved or been swapped since the PUT was checked.
      const target = await this.ctx.share.resolveTarget(req.path)
      const folder = await this.ctx.share.pinFolder(target.parentReal, req.path)
      let name: string
      try {
        name = await this.ctx.uploads.place(
          this.slot.file,
          target.parentReal,
          target.name,
          req.mode,
          folder.path,
        )
      } finally {
        await folder.close()
      }
      const finalPath = joinRelativePath(parentPath(req.path), name)
      this.reporter.done(req.size)
      this.slot.release()
      return { done: true, path: finalPath, size: req.size, sha256 }
    } catch (err: unknown) {
      const error = fromSystemError(err, req.path)
      this.reporter.failed(this.offset + this.received, error)
      await this.closeOnce().catch(() => undefined)
      if (!keepPartial) await fsp.rm(this.slot.file, { force: true })
      this.slot.release()
      throw error
    }
  }

  /**
   * Gives up without completing (connection dropped, CANCEL, a bad DATA header): whatever arrived is flushed
   * and kept for a later resume, unless `discard` (the client said its partial is stale); a private temp file is
   * removed either way. Resolves once that is done (never rejects).
   */
  abandon(reason: FerryError, options: { discard?: boolean } = {}): Promise<void> {
    if (this.settled) return Promise.resolve()
    this.settled = true
    this.reporter.failed(this.offset + this.received, reason)
    const flushed = this.sink
      .flush()
      .catch(() => undefined)
      .then(() => this.closeOnce())
      .catch(() => undefined)
      .then(async () => {
        if (options.discard || !this.slot.resumable) await fsp.rm(this.slot.file, { force: true })
      })
      .catch(() => undefined)
    this.slot.release(flushed)
    return flushed
  }

  /** The fd number may be reused as soon as it is closed, so it must never be closed twice. */
  private closeOnce(): Promise<void> {
    if (this.fdClosed) return Promise.resolve()
    this.fdClosed = true
    return closeFd(this.fd)
  }
}
