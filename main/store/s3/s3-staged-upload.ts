// The multipart upload behind a staged write: start it, find it again (any server: the record and ListParts are
// in the store), complete it, and drop it.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  type Part,
} from '@aws-sdk/client-s3'
import type { IHasher } from 'hash-wasm'
import { FerryError } from '../../protocol/error-codes'
import type { S3Context } from './s3-context'
import { s3ErrorName } from './s3-errors'
import { deleteKeys, headObject } from './s3-objects'
import { writeRecord, type StagedKeys, type StagedRecord } from './s3-staged-record'

const unquote = (etag: string | undefined): string => (etag ?? '').replace(/"/g, '')

export async function createMultipart(
  ctx: S3Context,
  keys: StagedKeys,
  path: string,
  size: number,
  partSize: number,
): Promise<StagedRecord> {
  const created = await ctx.client
    .send(new CreateMultipartUploadCommand({ Bucket: ctx.bucket, Key: keys.object }))
    .catch((err: unknown) => {
      throw ctx.fail(err, path)
    })
  if (!created.UploadId) throw new FerryError('INTERNAL', `${path}: the S3 store returned no upload id`)
  const record: StagedRecord = {
    version: 1,
    path,
    size,
    uploadId: created.UploadId,
    partSize,
    parts: [],
    hashState: '',
    completed: false,
  }
  await writeRecord(ctx, keys, record, path)
  return record
}

/** Every part the store holds for the upload, or null when the upload is gone. */
async function listParts(ctx: S3Context, keys: StagedKeys, record: StagedRecord): Promise<Part[] | null> {
  const parts: Part[] = []
  let marker: string | undefined
  for (;;) {
    try {
      const page = await ctx.client.send(
        new ListPartsCommand({
          Bucket: ctx.bucket,
          Key: keys.object,
          UploadId: record.uploadId,
          PartNumberMarker: marker,
        }),
      )
      parts.push(...(page.Parts ?? []))
      if (!page.IsTruncated || page.NextPartNumberMarker === undefined) return parts
      marker = page.NextPartNumberMarker
    } catch (err: unknown) {
      if (s3ErrorName(err) === 'NoSuchUpload') return null
      throw ctx.fail(err, record.path)
    }
  }
}

/**
 * True when the store still holds what the record says, with the hasher loaded to the record's state. Parts
 * beyond the record (sent, but the record not rewritten before the cut) are simply sent again.
 */
export async function canResume(
  ctx: S3Context,
  keys: StagedKeys,
  record: StagedRecord,
  path: string,
  size: number,
  hasher: IHasher,
): Promise<boolean> {
  if (record.path !== path || record.size !== size) return false
  if (record.completed) {
    const object = await headObject(ctx, keys.object, path)
    if (object?.size !== size) return false
  } else {
    const listed = await listParts(ctx, keys, record)
    if (listed === null) return false
    const byNumber = new Map(listed.map((p) => [p.PartNumber, p]))
    const agrees = record.parts.every((p) => {
      const held = byNumber.get(p.number)
      return held !== undefined && held.Size === p.size && unquote(held.ETag) === unquote(p.etag)
    })
    if (!agrees) return false
  }
  if (record.hashState === '') return true
  try {
    hasher.load(Buffer.from(record.hashState, 'base64'))
    return true
  } catch {
    return false // saved by another build of hash-wasm: start over
  }
}

/** Completes the upload into the hidden object and records that (placing it is what is left). */
export async function completeStaged(
  ctx: S3Context,
  keys: StagedKeys,
  record: StagedRecord,
  path: string,
): Promise<StagedRecord> {
  try {
    await ctx.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: ctx.bucket,
        Key: keys.object,
        UploadId: record.uploadId,
        MultipartUpload: { Parts: record.parts.map((p) => ({ PartNumber: p.number, ETag: p.etag })) },
      }),
    )
  } catch (err: unknown) {
    if (s3ErrorName(err) === 'InvalidPart') {
      throw new FerryError('BUSY', `${path}: the staged parts changed while uploading (another server?)`, {
        cause: err,
      })
    }
    throw ctx.fail(err, path)
  }
  const completed = { ...record, completed: true }
  await writeRecord(ctx, keys, completed, path)
  return completed
}

/** Drops the staged upload: the multipart upload (if unfinished), the hidden object and the record. */
export async function discardStaged(
  ctx: S3Context,
  keys: StagedKeys,
  record: StagedRecord | null,
  path: string,
): Promise<void> {
  if (!record) return // nothing was written to the store (a file that fits one part, or no upload yet)
  if (!record.completed) {
    await ctx.client
      .send(
        new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: keys.object, UploadId: record.uploadId }),
      )
      .catch((err: unknown) => {
        if (s3ErrorName(err) !== 'NoSuchUpload') throw ctx.fail(err, path)
      })
  }
  await deleteKeys(ctx, [keys.object, keys.record], path)
}
