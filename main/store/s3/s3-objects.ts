// The object-level questions S3Store asks: what is at a path (file, folder or nothing), what is in a folder, every
// key below a prefix, and bulk deletes. Folders are key prefixes, so "exists" means a marker or any key below.
import {
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type _Object,
} from '@aws-sdk/client-s3'
import { FerryError } from '../../protocol/error-codes'
import { s3ErrorName, s3Status } from './s3-errors'
import { SHA256_META, type S3Context } from './s3-context'

export interface ObjectInfo {
  key: string
  size: number
  mtimeMs: number
  sha256?: string
}

/** S3 deletes at most this many keys per DeleteObjects. */
const DELETE_BATCH = 1000

function isMissing(err: unknown): boolean {
  return s3Status(err) === 404 || s3ErrorName(err) === 'NotFound' || s3ErrorName(err) === 'NoSuchKey'
}

/** HeadObject, or null when there is no such object. */
export async function headObject(ctx: S3Context, key: string, what: string): Promise<ObjectInfo | null> {
  try {
    const head = await ctx.client.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: key }))
    const sha256 = head.Metadata?.[SHA256_META]
    return {
      key,
      size: head.ContentLength ?? 0,
      mtimeMs: head.LastModified?.getTime() ?? 0,
      ...(sha256 ? { sha256 } : {}),
    }
  } catch (err: unknown) {
    if (isMissing(err)) return null
    throw ctx.fail(err, what)
  }
}

/** True when any key starts with `keyPrefix` (a folder exists: its marker or anything in it). */
export async function anyKeyBelow(ctx: S3Context, keyPrefix: string, what: string): Promise<boolean> {
  try {
    const page = await ctx.client.send(
      new ListObjectsV2Command({ Bucket: ctx.bucket, Prefix: keyPrefix, MaxKeys: 1 }),
    )
    return (page.KeyCount ?? page.Contents?.length ?? 0) > 0
  } catch (err: unknown) {
    throw ctx.fail(err, what)
  }
}

export type PathKind = { kind: 'file'; info: ObjectInfo } | { kind: 'dir' } | { kind: 'none' }

/**
 * What a path names. A key that is both a file and a folder (possible only when other tools wrote the bucket) is
 * a file here, a folder to list().
 */
export async function kindOf(ctx: S3Context, path: string): Promise<PathKind> {
  if (path === '') return { kind: 'dir' }
  const info = await headObject(ctx, ctx.keys.file(path), path)
  if (info) return { kind: 'file', info }
  return (await anyKeyBelow(ctx, ctx.keys.folder(path), path)) ? { kind: 'dir' } : { kind: 'none' }
}

/** Throws NOT_FOUND / NOT_A_DIRECTORY unless `path` is a folder. */
export async function assertFolder(ctx: S3Context, path: string, what: string): Promise<void> {
  const found = await kindOf(ctx, path)
  if (found.kind === 'none')
    throw new FerryError('NOT_FOUND', `${what}: ${path || 'the root'} does not exist`)
  if (found.kind === 'file') throw new FerryError('NOT_A_DIRECTORY', `${what}: ${path} is not a folder`)
}

/** Every object below `keyPrefix`, a page (up to 1000) at a time. */
export async function* objectsBelow(
  ctx: S3Context,
  keyPrefix: string,
  what: string,
): AsyncGenerator<_Object[]> {
  let token: string | undefined
  do {
    const page = await ctx.client
      .send(new ListObjectsV2Command({ Bucket: ctx.bucket, Prefix: keyPrefix, ContinuationToken: token }))
      .catch((err: unknown) => {
        throw ctx.fail(err, what)
      })
    yield page.Contents ?? []
    token = page.IsTruncated ? page.NextContinuationToken : undefined
  } while (token)
}

export interface FolderPage {
  files: ObjectInfo[]
  /** Full key prefixes of the sub-folders ('a/b/'). */
  folders: string[]
}

/** One folder level (delimiter '/'), all pages. */
export async function listLevel(ctx: S3Context, folderKey: string, what: string): Promise<FolderPage> {
  const out: FolderPage = { files: [], folders: [] }
  let token: string | undefined
  do {
    const page = await ctx.client
      .send(
        new ListObjectsV2Command({
          Bucket: ctx.bucket,
          Prefix: folderKey,
          Delimiter: '/',
          ContinuationToken: token,
        }),
      )
      .catch((err: unknown) => {
        throw ctx.fail(err, what)
      })
    for (const o of page.Contents ?? []) {
      if (o.Key === undefined || o.Key === folderKey) continue // the folder's own marker
      out.files.push({ key: o.Key, size: o.Size ?? 0, mtimeMs: o.LastModified?.getTime() ?? 0 })
    }
    for (const p of page.CommonPrefixes ?? []) if (p.Prefix) out.folders.push(p.Prefix)
    token = page.IsTruncated ? page.NextContinuationToken : undefined
  } while (token)
  return out
}

/** Writes a folder's empty marker object, so the folder exists while it holds nothing. */
export async function putMarker(ctx: S3Context, folderKey: string, what: string): Promise<void> {
  if (folderKey === ctx.keys.prefix) return // the root always exists
  await ctx.client
    .send(new PutObjectCommand({ Bucket: ctx.bucket, Key: folderKey, Body: new Uint8Array(0) }))
    .catch((err: unknown) => {
      throw ctx.fail(err, what)
    })
}

/** Deletes keys in batches; FerryError naming how many were not deleted when the store refuses some. */
export async function deleteKeys(ctx: S3Context, keys: readonly string[], what: string): Promise<void> {
  for (let i = 0; i < keys.length; i += DELETE_BATCH) {
    const batch = keys.slice(i, i + DELETE_BATCH)
    const result = await ctx.client
      .send(
        new DeleteObjectsCommand({
          Bucket: ctx.bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      )
      .catch((err: unknown) => {
        throw ctx.fail(err, what)
      })
    const errors = result.Errors ?? []
    if (errors.length > 0) {
      const first = errors[0]
      throw new FerryError(
        first?.Code === 'AccessDenied' ? 'PERMISSION_DENIED' : 'INTERNAL',
        `${what}: ${errors.length + keys.length - i - batch.length} objects were not deleted (${first?.Code ?? 'error'})`,
      )
    }
  }
}
