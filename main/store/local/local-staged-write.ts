// One staged upload into the folder: bytes go through a FileSink (a queue with backpressure, so the thread pool
// writes while the event loop hashes) into the partial file the slot names, with background fdatasyncs; commit
// verifies size and SHA-256, fsyncs, and places the file atomically (upload-store.ts place()).
import type { Hash } from 'node:crypto'
import { promises as fsp } from 'node:fs'
import { FerryError, fromSystemError } from '../../protocol/error-codes'
import type { OverwriteMode } from '../../protocol/messages'
import { joinRelativePath, parentPath } from '../../protocol/paths'
import { FileSink, SyncSlots } from '../../fs-io/file-sink'
import type { CommitResult, StagedWrite } from '../share-store'
import { closeFd, fstatFd, fsyncFd } from './fd-io'
import type { LocalContext } from './local-context'
import type { PartialSlot } from './upload-store'

/**
 * Bytes queued towards the partial file before write() makes the caller wait, and the mark at which it may go
 * on: the file side keeps writing from the rest of the queue meanwhile. Batches smaller than the gap between the
 * two marks, so a batch finishing never empties the queue while the producer waits.
 */
const WRITE_HIGH_WATER = 4 * 1024 * 1024
const WRITE_LOW_WATER = 2 * 1024 * 1024
const WRITE_BATCH = 1024 * 1024
/**
 * The partial is fdatasync'ed in the background every SYNC_EVERY bytes, so the final fsync (which still decides
 * success) finds little left to write: measured here, it went from about 300 ms to 5-16 ms per GiB. At most one
 * such sync runs at a time across all uploads of the process (see SyncSlots).
 */
const SYNC_EVERY = 32 * 1024 * 1024
const BACKGROUND_SYNCS = new SyncSlots(1)
const ROOM: Promise<void> = Promise.resolve()

export class LocalStagedWrite implements StagedWrite {
  private readonly sink: FileSink
  private received = 0
  private failure: FerryError | null = null
  private settled = false
  private fdClosed = false
  private committed = false

  constructor(
    private readonly ctx: LocalContext,
    readonly path: string,
    readonly size: number,
    private readonly slot: PartialSlot,
    private readonly fd: number,
    private readonly hash: Hash,
    readonly offset: number,
    readonly prefixSha256: string | undefined,
  ) {
    this.sink = new FileSink(fd, offset, {
      highWaterBytes: WRITE_HIGH_WATER,
      lowWaterBytes: WRITE_LOW_WATER,
      maxBatchBytes: WRITE_BATCH,
      syncEveryBytes: SYNC_EVERY,
      syncSlots: BACKGROUND_SYNCS,
    })
  }

  /** The chunk is queued for the file before it is hashed, so the thread pool writes it while this thread hashes. */
  write(chunk: Uint8Array): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    if (this.settled) {
      return Promise.reject(
        new FerryError('INVALID_ARGUMENT', `${this.path}: the upload is already finished`),
      )
    }
    if (this.offset + this.received + chunk.length > this.size) {
      return this.fail(new FerryError('SIZE_MISMATCH', `${this.path}: more than ${this.size} bytes`))
    }
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)
    const room = this.sink.write(buffer)
    this.hash.update(buffer)
    this.received += buffer.length
    if (room) return ROOM
    return this.sink.room().then(() => {
      if (this.sink.error !== null) throw this.writeError()
    })
  }

  async commit(sha256: string, mode: OverwriteMode): Promise<CommitResult> {
    if (this.failure) throw this.failure
    if (this.settled) throw new FerryError('INVALID_ARGUMENT', `${this.path}: the upload is already finished`)
    this.settled = true
    try {
      await this.sink.flush().catch(() => {
        throw this.writeError()
      })
      const size = (await fstatFd(this.fd)).size
      if (size !== this.size) {
        return await this.fail(
          new FerryError('SIZE_MISMATCH', `${this.path}: received ${size} of ${this.size} bytes`),
        )
      }
      const actual = this.hash.digest('hex')
      if (actual !== sha256.toLowerCase()) {
        return await this.fail(
          new FerryError('CHECKSUM_MISMATCH', `${this.path}: SHA-256 of the received bytes does not match`),
        )
      }
      await fsyncFd(this.fd)
      await this.closeOnce()
      // Resolved again: the folder may have moved or been swapped since stage() checked it.
      const target = await this.ctx.share.resolveTarget(this.path)
      const folder = await this.ctx.share.pinFolder(target.parentReal, this.path)
      let name: string
      try {
        name = await this.ctx.uploads.place(this.slot.file, target.parentReal, target.name, mode, folder.path)
      } finally {
        await folder.close()
      }
      this.committed = true
      this.slot.release()
      return { path: joinRelativePath(parentPath(this.path), name), size: this.size, sha256: actual }
    } catch (err: unknown) {
      // The bytes stay staged (NOT_FOUND, IS_A_DIRECTORY, EXISTS...) for another stage() with resume.
      const error = err instanceof FerryError ? err : fromSystemError(err, this.path)
      this.failure ??= error
      await this.closeOnce().catch(() => undefined)
      if (!this.slot.resumable) await fsp.rm(this.slot.file, { force: true })
      this.slot.release()
      throw error
    }
  }

  /**
   * Whatever arrived is flushed and kept for a resume unless `discard`; a private temp file is removed either
   * way. The slot is let go at once, and is free for the next stage() once the last writes landed.
   */
  abandon(options: { discard?: boolean } = {}): Promise<void> {
    if (this.committed) return Promise.resolve()
    const first = !this.settled
    this.settled = true
    const flushed = this.sink
      .flush()
      .catch(() => undefined)
      .then(() => this.closeOnce())
      .catch(() => undefined)
      .then(async () => {
        if (options.discard || !this.slot.resumable) await fsp.rm(this.slot.file, { force: true })
      })
      .catch(() => undefined)
    if (first) this.slot.release(flushed)
    return flushed
  }

  private writeError(): FerryError {
    this.failure ??= fromSystemError(this.sink.error, this.path)
    return this.failure
  }

  /** SIZE_MISMATCH and CHECKSUM_MISMATCH: the staged bytes are wrong, so they are dropped. */
  private async fail(error: FerryError): Promise<never> {
    this.failure = error
    this.settled = true
    await this.sink.flush().catch(() => undefined)
    await this.closeOnce().catch(() => undefined)
    await fsp.rm(this.slot.file, { force: true })
    this.slot.release()
    throw error
  }

  /** The fd number may be reused as soon as it is closed, so it must never be closed twice. */
  private closeOnce(): Promise<void> {
    if (this.fdClosed) return Promise.resolve()
    this.fdClosed = true
    return closeFd(this.fd)
  }
}
