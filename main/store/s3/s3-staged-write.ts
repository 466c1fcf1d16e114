// A staged upload on S3. Bytes collect in a part-sized buffer; a file no larger than a part is placed from memory
// with one PutObject at commit (nothing to resume: it is sent again). A larger one becomes a multipart upload to a
// hidden key (prefix/.ferry/staged/ID), a part each time the buffer fills, up to PARTS_IN_FLIGHT parts going up
// while the next fills (one part alone is bounded by the store's per-request latency, not by its bandwidth; so an
// upload holds PARTS_IN_FLIGHT + 1 parts of memory, whatever the file's size), and as parts are stored in order
// their record (s3-staged-record.ts) is rewritten, so another server can resume it from the last recorded part: ListParts must agree with the record, and the SHA-256
// continues from the saved hash state. At commit the tail goes up as the last part, the upload is completed (still
// hidden) and placed by one server-side copy (s3-place.ts).
//
// One writer per staged upload at a time: within a process S3Store sees to it (s3-writers.ts). Two servers writing
// the same one at once would overwrite each other's parts; the ETags the commit sends then no longer match and S3
// refuses the completion, so the result is an error, never a mixed file.
import { createSHA256, type IHasher } from 'hash-wasm'
import { FerryError } from '../../protocol/error-codes'
import type { OverwriteMode } from '../../protocol/messages'
import type { CommitResult, StagedWrite } from '../share-store'
import { MAX_PARTS, PARTS_IN_FLIGHT, type S3Context } from './s3-context'
import { PartSender } from './s3-part-sender'
import { placeFile } from './s3-place'
import { canResume, completeStaged, discardStaged } from './s3-staged-upload'
import { readRecord, type StagedKeys, type StagedRecord } from './s3-staged-record'

const MIB = 1024 * 1024

export class S3StagedWrite implements StagedWrite {
  readonly offset: number
  readonly prefixSha256: string | undefined
  private readonly sender: PartSender
  private received: number
  /** The part being filled, and buffers of parts whose upload finished (reused for the parts after). */
  private buffer: Buffer | null = null
  private spare: Buffer[] = []
  private filled = 0
  /** Parts whose bytes are in the air, and parts not yet in the stored record; they never reject (a failure
   * lands in `failure`). */
  private readonly sending = new Set<Promise<void>>()
  private readonly unrecorded = new Set<Promise<void>>()
  private failure: FerryError | null = null
  private settled = false

  private constructor(
    private readonly ctx: S3Context,
    readonly path: string,
    readonly size: number,
    private readonly keys: StagedKeys,
    private readonly hasher: IHasher,
    private readonly partSize: number,
    /** The record found when resuming (null: a fresh start). */
    private readonly resumed: StagedRecord | null,
  ) {
    this.offset = resumed ? resumed.parts.reduce((sum, p) => sum + p.size, 0) : 0
    this.received = this.offset
    this.prefixSha256 = this.offset > 0 ? prefixDigest(hasher) : undefined
    this.sender = new PartSender(ctx, keys, path, size, partSize, resumed)
  }

  /** Opens the staged upload of (path, size, key), resuming it when asked and possible. */
  static async open(
    ctx: S3Context,
    path: string,
    size: number,
    keys: StagedKeys,
    resume: boolean,
  ): Promise<S3StagedWrite> {
    const hasher = await createSHA256()
    hasher.init()
    const found = await readRecord(ctx, keys, path)
    if (found && resume && (await canResume(ctx, keys, found, path, size, hasher))) {
      return new S3StagedWrite(ctx, path, size, keys, hasher, found.partSize, found)
    }
    if (found) await discardStaged(ctx, keys, found, path)
    // More than the configured part size only when a huge file would need over 10,000 parts.
    const partSize = Math.max(ctx.partSize, Math.ceil(size / MAX_PARTS / MIB) * MIB)
    return new S3StagedWrite(ctx, path, size, keys, hasher, partSize, null)
  }

  /** The part buffer; as large as the rest of a small file, so a 1 KiB upload does not take 8 MiB. */
  private partBuffer(): Buffer {
    this.buffer ??= Buffer.allocUnsafe(Math.min(this.partSize, this.size - this.received))
    return this.buffer
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.assertUsable()
    if (this.received + chunk.length > this.size) {
      await this.fail(new FerryError('SIZE_MISMATCH', `${this.path}: more than ${this.size} bytes`), true)
    }
    let at = 0
    while (at < chunk.length) {
      const buffer = this.partBuffer()
      const n = Math.min(chunk.length - at, buffer.length - this.filled)
      const piece = chunk.subarray(at, at + n)
      buffer.set(piece, this.filled)
      // Hashed as it comes, in small steps, rather than a whole part at once when it fills: a part's worth of
      // hashing in one go holds up the socket and the parts in the air for tens of milliseconds.
      this.hasher.update(piece)
      this.filled += n
      this.received += n
      at += n
      // A full buffer before the end of the file is a part; the last part waits for commit.
      if (this.filled === buffer.length && this.received < this.size) await this.sendBuffer()
    }
  }

  async commit(sha256: string, mode: OverwriteMode): Promise<CommitResult> {
    this.assertUsable()
    this.settled = true
    if (this.received !== this.size) {
      await this.fail(
        new FerryError('SIZE_MISMATCH', `${this.path}: received ${this.received} of ${this.size} bytes`),
        true,
      )
    }
    let placed: string
    if (!this.sender.started) {
      const tail = this.buffer ? this.buffer.subarray(0, this.filled) : new Uint8Array(0)
      await this.verify(sha256)
      placed = await placeFile(this.ctx, this.path, mode, { data: tail }, sha256)
    } else {
      if (this.resumed?.completed !== true) {
        if (this.filled > 0) await this.sendBuffer()
        await this.waitForSend()
        await this.verify(sha256)
        await completeStaged(this.ctx, this.keys, await this.sender.record(), this.path)
      } else {
        await this.verify(sha256)
      }
      const object = { key: this.keys.object, size: this.size, mtimeMs: 0 }
      placed = await placeFile(this.ctx, this.path, mode, { object }, sha256)
    }
    await this.discard().catch(() => undefined) // the sweep removes leftovers
    return { path: placed, size: this.size, sha256 }
  }

  async abandon(options: { discard?: boolean } = {}): Promise<void> {
    this.settled = true
    await this.allSent() // the parts in the air are worth keeping for a resume
    this.buffer = null
    this.spare = []
    if (options.discard) await this.discard().catch(() => undefined)
  }

  private assertUsable(): void {
    if (this.failure) throw this.failure
    if (this.settled) throw new FerryError('INVALID_ARGUMENT', `${this.path}: the upload is already finished`)
  }

  /** Remembers the failure (every later call repeats it), drops the staged bytes when asked, throws it. */
  private async fail(error: FerryError, discard: boolean): Promise<never> {
    this.failure = error
    this.settled = true
    if (discard) await this.discard().catch(() => undefined)
    throw error
  }

  private async verify(sha256: string): Promise<void> {
    const actual = this.hasher.digest('hex')
    if (actual !== sha256.toLowerCase()) {
      await this.fail(
        new FerryError('CHECKSUM_MISMATCH', `${this.path}: SHA-256 of the received bytes does not match`),
        true,
      )
    }
  }

  /** Waits for every part in the air; a failure ends this upload (what is recorded stays for a resume). */
  private async waitForSend(): Promise<void> {
    await this.allSent()
    if (this.failure) await this.fail(this.failure, false)
  }

  private async allSent(): Promise<void> {
    while (this.sending.size + this.unrecorded.size > 0)
      await Promise.all([...this.sending, ...this.unrecorded])
  }

  /**
   * Sends the buffer as the next part without waiting for it, once fewer than PARTS_IN_FLIGHT are in the air. A
   * part's buffer is free once the part is stored; its record write may still be going (it does not hold up the
   * next part), but no more than 2 x PARTS_IN_FLIGHT parts go unrecorded, so a server that dies loses few.
   * The hasher has seen exactly the bytes up to this part's end; its state goes into the record with the part.
   */
  private async sendBuffer(): Promise<void> {
    while (this.sending.size >= PARTS_IN_FLIGHT || this.unrecorded.size >= 2 * PARTS_IN_FLIGHT) {
      await Promise.race([...this.sending, ...this.unrecorded])
    }
    if (this.failure) await this.fail(this.failure, false)
    const full = this.buffer ?? Buffer.alloc(0)
    const data = full.subarray(0, this.filled)
    const state = Buffer.from(this.hasher.save()).toString('base64')
    this.buffer = this.spare.pop() ?? null
    this.filled = 0
    const part = this.sender.send(data, state)
    const failed = (err: unknown): void => {
      this.failure ??= this.ctx.fail(err, this.path)
    }
    const stored: Promise<void> = part.stored
      .then(() => {
        this.spare.push(full)
      }, failed)
      .finally(() => {
        this.sending.delete(stored)
      })
    const recorded: Promise<void> = part.recorded.catch(failed).finally(() => {
      this.unrecorded.delete(recorded)
    })
    this.sending.add(stored)
    this.unrecorded.add(recorded)
  }

  /** Drops what is staged, as far as this object knows it. */
  private async discard(): Promise<void> {
    await this.allSent()
    const record = this.sender.started ? await this.sender.current() : null
    await discardStaged(this.ctx, this.keys, record, this.path)
  }
}

/** SHA-256 of what the hasher has seen, leaving it able to go on. */
function prefixDigest(hasher: IHasher): string {
  const state = hasher.save()
  const digest = hasher.digest('hex')
  hasher.load(state)
  return digest
}
