// Usage (for the quota) and the sweep of abandoned uploads. Both walk listings, so they cost a request per 1,000
// objects (and one per unfinished upload for usage); callers cache usage (see ShareQuota) and sweep rarely.
import {
  AbortMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  type MultipartUpload,
} from '@aws-sdk/client-s3'
import type { S3Context } from './s3-context'
import { s3ErrorName } from './s3-errors'
import { deleteKeys, objectsBelow } from './s3-objects'
import type { SweepResult } from '../share-store'

/** Every unfinished multipart upload below the share's prefix. */
async function uploadsBelow(ctx: S3Context, what: string): Promise<MultipartUpload[]> {
  const uploads: MultipartUpload[] = []
  let keyMarker: string | undefined
  let uploadIdMarker: string | undefined
  for (;;) {
    const page = await ctx.client
      .send(
        new ListMultipartUploadsCommand({
          Bucket: ctx.bucket,
          Prefix: ctx.keys.prefix,
          KeyMarker: keyMarker,
          UploadIdMarker: uploadIdMarker,
        }),
      )
      .catch((err: unknown) => {
        throw ctx.fail(err, what)
      })
    uploads.push(...(page.Uploads ?? []))
    if (!page.IsTruncated) return uploads
    keyMarker = page.NextKeyMarker
    uploadIdMarker = page.NextUploadIdMarker
  }
}

/** Bytes of every object below the prefix plus the parts of unfinished uploads (staged bytes count too). */
export async function usage(ctx: S3Context): Promise<number> {
  const what = 'usage'
  let total = 0
  for await (const page of objectsBelow(ctx, ctx.keys.prefix, what)) {
    for (const o of page) total += o.Size ?? 0
  }
  for (const upload of await uploadsBelow(ctx, what)) {
    let marker: string | undefined
    for (;;) {
      const page = await ctx.client
        .send(
          new ListPartsCommand({
            Bucket: ctx.bucket,
            Key: upload.Key,
            UploadId: upload.UploadId,
            PartNumberMarker: marker,
          }),
        )
        .catch((err: unknown) => {
          if (s3ErrorName(err) === 'NoSuchUpload') return null // finished or aborted meanwhile
          throw ctx.fail(err, what)
        })
      for (const part of page?.Parts ?? []) total += part.Size ?? 0
      if (!page?.IsTruncated || page.NextPartNumberMarker === undefined) break
      marker = page.NextPartNumberMarker
    }
  }
  return total
}

/**
 * Removes staged uploads nobody has touched for `olderThanMs`: a staged upload's record is rewritten after every
 * part, so its date is the last activity; other unfinished uploads below the prefix (a multipart copy cut short)
 * count from when they began.
 */
export async function sweep(ctx: S3Context, olderThanMs: number, now = Date.now()): Promise<SweepResult> {
  const what = 'sweep'
  const stagedPrefix = ctx.keys.internal('staged/')
  const cutoff = now - olderThanMs
  const lastTouched = new Map<string, number>() // staged object key -> newest of its record and object
  for await (const page of objectsBelow(ctx, stagedPrefix, what)) {
    for (const o of page) {
      if (o.Key === undefined) continue
      const objectKey = o.Key.endsWith('.json') ? o.Key.slice(0, -'.json'.length) : o.Key
      const at = o.LastModified?.getTime() ?? 0
      lastTouched.set(objectKey, Math.max(at, lastTouched.get(objectKey) ?? 0))
    }
  }
  const removed = new Set<string>()
  for (const upload of await uploadsBelow(ctx, what)) {
    if (upload.Key === undefined) continue
    const touched = lastTouched.get(upload.Key) ?? upload.Initiated?.getTime() ?? 0
    if (touched >= cutoff) {
      lastTouched.delete(upload.Key) // alive: keep its record too
      continue
    }
    await ctx.client
      .send(
        new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: upload.Key, UploadId: upload.UploadId }),
      )
      .catch((err: unknown) => {
        if (s3ErrorName(err) !== 'NoSuchUpload') throw ctx.fail(err, what)
      })
    removed.add(upload.Key)
  }
  const stale = [...lastTouched].filter(([, at]) => at < cutoff).map(([key]) => key)
  await deleteKeys(
    ctx,
    stale.flatMap((key) => [key, `${key}.json`]),
    what,
  )
  for (const key of stale) removed.add(key)
  return { stagedRemoved: removed.size }
}
