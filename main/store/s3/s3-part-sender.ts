// Sends the parts of one staged upload, several going up while the caller fills the one after them, and keeps the
// record in the store in step: a part enters the record only once it and every part before it are stored, together
// with the SHA-256 state after it, so a resume never counts a part the store does not hold. Record writes do not
// queue one per part: parts stored while a write is in flight all go into the one write after it.
import { UploadPartCommand } from '@aws-sdk/client-s3'
import type { S3Context } from './s3-context'
import { createMultipart } from './s3-staged-upload'
import { writeRecord, type StagedKeys, type StagedRecord } from './s3-staged-record'

export class PartSender {
  private upload: Promise<StagedRecord> | null
  private recorded: Promise<void> = Promise.resolve()
  /** The last part's entry into the (in-memory) record, in part order; rejects once a part failed. */
  private entered: Promise<unknown> = Promise.resolve()
  /** The record write in flight, and the one queued behind it (which takes every part entered meanwhile). */
  private writing: Promise<void> | null = null
  private queued: Promise<void> | null = null
  private nextNumber: number

  constructor(
    private readonly ctx: S3Context,
    private readonly keys: StagedKeys,
    private readonly path: string,
    private readonly size: number,
    private readonly partSize: number,
    /** A resumed upload's record; null until the first part starts one. */
    resumed: StagedRecord | null,
  ) {
    this.upload = resumed ? Promise.resolve(resumed) : null
    this.nextNumber = (resumed?.parts.length ?? 0) + 1
  }

  /** True once there is (or is being made) a multipart upload: the file is larger than one part. */
  get started(): boolean {
    return this.upload !== null
  }

  /** The upload's record as far as it got, parts failed or not; null when there is none. */
  async current(): Promise<StagedRecord | null> {
    return this.upload ? this.upload.catch(() => null) : null
  }

  /** The record after everything sent so far is stored (the upload must have started). */
  async record(): Promise<StagedRecord> {
    await this.recorded
    if (!this.upload) throw new Error('no multipart upload was started')
    return this.upload
  }

  /**
   * Sends `data` as the next part; `hashState` is the SHA-256 state after it. `stored` resolves once the store
   * holds the part (`data` must not change until then), `recorded` once this part and all before it are in the
   * record in the store; both reject with a FerryError.
   */
  send(data: Uint8Array, hashState: string): { stored: Promise<void>; recorded: Promise<void> } {
    this.upload ??= createMultipart(this.ctx, this.keys, this.path, this.size, this.partSize)
    const upload = this.upload
    const number = this.nextNumber++
    const earlier = this.entered
    const stored = upload.then((record) =>
      this.ctx.client.send(
        new UploadPartCommand({
          Bucket: this.ctx.bucket,
          Key: this.keys.object,
          UploadId: record.uploadId,
          PartNumber: number,
          Body: data,
          ContentLength: data.length,
        }),
      ),
    )
    const entered = Promise.all([upload, stored, earlier]).then(([record, part]) => {
      record.parts.push({ number, size: data.length, etag: part.ETag ?? '' })
      record.hashState = hashState
      return record
    })
    this.entered = entered
    const done = entered.then((record) => this.writeSoon(record))
    // A failed part fails every later one: they must not be recorded past the gap.
    this.recorded = done
    const failed = (err: unknown): never => {
      throw this.ctx.fail(err, this.path)
    }
    return { stored: stored.then(() => undefined, failed), recorded: done.catch(failed) }
  }

  /**
   * Writes the record (as it is when the write starts) once the write in flight, if any, is done. Callers that
   * come while a write is queued share it: it starts after their parts entered the record, so it holds them.
   */
  private writeSoon(record: StagedRecord): Promise<void> {
    if (this.queued) return this.queued
    const write = async (): Promise<void> => writeRecord(this.ctx, this.keys, record, this.path)
    if (!this.writing) {
      this.writing = write().finally(() => {
        this.writing = null
      })
      return this.writing
    }
    const queued = this.writing
      .catch(() => undefined) // the one before failing is its callers' error; this write may still succeed
      .then(() => {
        this.queued = null
        this.writing = write().finally(() => {
          this.writing = null
        })
        return this.writing
      })
    this.queued = queued
    return queued
  }
}
