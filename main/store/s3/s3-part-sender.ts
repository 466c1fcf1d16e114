// Sends the parts of one staged upload, the next part going up while the caller fills the one after it, and keeps
// the record in the store in step: a part enters the record only once it and every part before it are stored,
// together with the SHA-256 state after it, so a resume never counts a part the store does not hold.
import { UploadPartCommand } from '@aws-sdk/client-s3'
import type { S3Context } from './s3-context'
import { createMultipart } from './s3-staged-upload'
import { writeRecord, type StagedKeys, type StagedRecord } from './s3-staged-record'

export class PartSender {
  private upload: Promise<StagedRecord> | null
  private recorded: Promise<void> = Promise.resolve()
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
   * Sends `data` as the next part; `hashState` is the SHA-256 state after it. Resolves once this part and all
   * before it are stored and recorded; rejects with a FerryError. `data` must not change until then.
   */
  send(data: Uint8Array, hashState: string): Promise<void> {
    this.upload ??= createMultipart(this.ctx, this.keys, this.path, this.size, this.partSize)
    const upload = this.upload
    const number = this.nextNumber++
    const earlier = this.recorded
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
    const done = Promise.all([upload, stored, earlier]).then(async ([record, part]) => {
      record.parts.push({ number, size: data.length, etag: part.ETag ?? '' })
      record.hashState = hashState
      await writeRecord(this.ctx, this.keys, record, this.path)
    })
    // A failed part fails every later one: they must not be recorded past the gap.
    this.recorded = done
    return done.catch((err: unknown) => {
      throw this.ctx.fail(err, this.path)
    })
  }
}
