// Server-side copy of one object: the store copies the bytes (Ceph's gateway shares them between the two objects
// of one bucket, so even 50 MB take about 60 ms); nothing passes through Ferry. Up to the copy threshold one
// CopyObject does it, above it (S3 allows at most 5 GiB per CopyObject) a multipart upload of UploadPartCopy ranges.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  UploadPartCopyCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3'
import { runLimited } from './run-limited'
import { SHA256_META, type S3Context } from './s3-context'
import type { ObjectInfo } from './s3-objects'

/** Copy parts in flight at once. */
const PART_COPIES = 4
/** Aim for about this many parts, within S3's part size limits (5 MiB .. 5 GiB). */
const TARGET_COPY_PARTS = 64
const MAX_COPY_PART_BYTES = 1024 ** 3

export interface CopyOptions {
  /**
   * Refuse (EXISTS) when the target exists, with If-None-Match: *. AWS S3 honours it on CopyObject and on
   * CompleteMultipartUpload; Ceph 16 ignores it on both (measured: the copy overwrites), so callers check with
   * HeadObject first and on Ceph the guarantee is only as good as that check (see S3StagedWrite.place).
   */
  createOnly?: boolean
  /** The SHA-256 to keep in the target's metadata (replacing the source's metadata); default: the source's. */
  sha256?: string
}

/** CopySource is "bucket/key" with the key URL-encoded (each segment, so the slashes stay). */
function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`
}

export async function copyObject(
  ctx: S3Context,
  from: ObjectInfo,
  toKey: string,
  what: string,
  options: CopyOptions = {},
): Promise<void> {
  const sha256 = options.sha256 ?? from.sha256
  const metadata: Record<string, string> = sha256 ? { [SHA256_META]: sha256 } : {}
  const ifNoneMatch = options.createOnly ? '*' : undefined
  try {
    if (from.size <= ctx.copyThreshold) {
      await ctx.client.send(
        new CopyObjectCommand({
          Bucket: ctx.bucket,
          Key: toKey,
          CopySource: copySource(ctx.bucket, from.key),
          // REPLACE only when the hash is new: a plain copy keeps whatever metadata other tools set.
          MetadataDirective: options.sha256 ? 'REPLACE' : 'COPY',
          ...(options.sha256 ? { Metadata: metadata } : {}),
          IfNoneMatch: ifNoneMatch,
        }),
      )
      return
    }
    await copyInParts(ctx, from, toKey, metadata, ifNoneMatch)
  } catch (err: unknown) {
    throw ctx.fail(err, what)
  }
}

/** Parts are copied by the store; the target's metadata is Ferry's SHA-256 alone (other tools' is not carried). */
async function copyInParts(
  ctx: S3Context,
  from: ObjectInfo,
  toKey: string,
  metadata: Record<string, string>,
  ifNoneMatch: string | undefined,
): Promise<void> {
  const partBytes = Math.max(
    ctx.partSize,
    Math.min(MAX_COPY_PART_BYTES, Math.ceil(from.size / TARGET_COPY_PARTS)),
  )
  const ranges: { start: number; end: number }[] = []
  for (let start = 0; start < from.size; start += partBytes) {
    ranges.push({ start, end: Math.min(from.size, start + partBytes) - 1 })
  }
  const created = await ctx.client.send(
    new CreateMultipartUploadCommand({ Bucket: ctx.bucket, Key: toKey, Metadata: metadata }),
  )
  const uploadId = created.UploadId
  const parts: CompletedPart[] = []
  try {
    await runLimited(ranges, PART_COPIES, async ({ start, end }, index) => {
      const part = await ctx.client.send(
        new UploadPartCopyCommand({
          Bucket: ctx.bucket,
          Key: toKey,
          UploadId: uploadId,
          PartNumber: index + 1,
          CopySource: copySource(ctx.bucket, from.key),
          CopySourceRange: `bytes=${start}-${end}`,
        }),
      )
      parts[index] = { PartNumber: index + 1, ETag: part.CopyPartResult?.ETag }
    })
    await ctx.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: ctx.bucket,
        Key: toKey,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
        IfNoneMatch: ifNoneMatch,
      }),
    )
  } catch (err: unknown) {
    await ctx.client
      .send(new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: toKey, UploadId: uploadId }))
      .catch(() => undefined) // the sweep finds it later; the first error is the one to report
    throw err
  }
}
