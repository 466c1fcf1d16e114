// The record of a staged upload, kept in the store beside it (prefix/.ferry/staged/ID.json), so any server can
// resume it. S3 cannot read back the parts of an unfinished multipart upload, so the record holds what a resume
// needs and could not get otherwise: the part size, each part's ETag (to check ListParts agrees) and the SHA-256
// state after the last recorded part (hash-wasm's saved state), from which hashing goes on without the bytes.
// It is rewritten after every part, after the part itself, so it never claims a part the store does not have.
import { createHash } from 'node:crypto'
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { z } from 'zod'
import type { S3Context } from './s3-context'
import { s3ErrorName, s3Status } from './s3-errors'

const RecordSchema = z.object({
  version: z.literal(1),
  path: z.string(),
  size: z.number().int().min(0),
  uploadId: z.string().min(1),
  partSize: z.number().int().positive(),
  parts: z.array(z.object({ number: z.number().int().positive(), size: z.number().int(), etag: z.string() })),
  /** hash-wasm SHA-256 state (base64) after the recorded parts; '' before the first. */
  hashState: z.string(),
  /** True once CompleteMultipartUpload ran: the bytes are the hidden object, only placing it is left. */
  completed: z.boolean(),
})
export type StagedRecord = z.infer<typeof RecordSchema>

/** The largest record read back (10,000 parts' ETags fit well below it). */
const MAX_RECORD_BYTES = 2 * 1024 * 1024

export interface StagedKeys {
  id: string
  /** The multipart upload's key, and after CompleteMultipartUpload the hidden object. */
  object: string
  record: string
}

/** Keys of the staged upload (path, size, key): equal inputs give equal keys on every server. */
export function stagedKeys(ctx: S3Context, path: string, size: number, key: string): StagedKeys {
  const id = createHash('sha256')
    .update(JSON.stringify([path, size, key]))
    .digest('hex')
  return { id, object: ctx.keys.internal(`staged/${id}`), record: ctx.keys.internal(`staged/${id}.json`) }
}

/** The record, or null when there is none or it is unreadable (then the upload starts over). */
export async function readRecord(
  ctx: S3Context,
  keys: StagedKeys,
  what: string,
): Promise<StagedRecord | null> {
  let text: string
  try {
    const got = await ctx.client.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: keys.record }))
    if ((got.ContentLength ?? 0) > MAX_RECORD_BYTES) return null
    text = (await got.Body?.transformToString('utf8')) ?? ''
  } catch (err: unknown) {
    if (s3Status(err) === 404 || s3ErrorName(err) === 'NoSuchKey') return null
    throw ctx.fail(err, what)
  }
  try {
    const parsed = RecordSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

export async function writeRecord(
  ctx: S3Context,
  keys: StagedKeys,
  record: StagedRecord,
  what: string,
): Promise<void> {
  await ctx.client
    .send(
      new PutObjectCommand({
        Bucket: ctx.bucket,
        Key: keys.record,
        Body: JSON.stringify(record),
        ContentType: 'application/json',
      }),
    )
    .catch((err: unknown) => {
      throw ctx.fail(err, what)
    })
}
