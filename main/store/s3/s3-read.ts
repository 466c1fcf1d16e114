// Reading a byte range of a file with one ranged GetObject, which also brings the size, date and SHA-256 of the
// object read, so they describe exactly the bytes that come (no separate HEAD that another writer could outrun).
import { Readable } from 'node:stream'
import { GetObjectCommand, type GetObjectCommandOutput } from '@aws-sdk/client-s3'
import { FerryError } from '../../protocol/error-codes'
import { DEFAULT_PART_BYTES, SHA256_META, type S3Context } from './s3-context'
import { s3Status } from './s3-errors'
import { anyKeyBelow, headObject } from './s3-objects'
import type { ReadRange, StoreRead, StoreStat } from '../share-store'
import { baseName } from '../../protocol/paths'

function checkRange(path: string, range: ReadRange): { offset: number; length: number | undefined } {
  const offset = range.offset ?? 0
  const length = range.length
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new FerryError('OFFSET_INVALID', `${path}: invalid offset ${offset}`)
  }
  if (length !== undefined && (!Number.isSafeInteger(length) || length < 0)) {
    throw new FerryError('INVALID_ARGUMENT', `${path}: invalid length ${length}`)
  }
  return { offset, length }
}

/** Total size from "bytes a-b/total", or the whole body's length for a GET without a range. */
function totalSize(got: GetObjectCommandOutput): number {
  const total = /\/(\d+)$/.exec(got.ContentRange ?? '')?.[1]
  return total !== undefined ? Number(total) : (got.ContentLength ?? 0)
}

/**
 * Bytes read ahead of the consumer. Without a buffer of its own the body is pulled only as fast as the consumer
 * takes it, so every pause downstream (the server's socket full while the client hashes or fsyncs) stalls the
 * gateway's stream too, and a single GetObject stream restarts slowly; with it the gateway keeps sending through
 * short pauses. One part's worth, as an upload holds per part in the air: bounded, whatever the file's size.
 */
const READ_AHEAD_BYTES = DEFAULT_PART_BYTES

/** The body with its errors mapped, so a store that drops mid-read shows up as STORE_UNAVAILABLE. */
function mapped(ctx: S3Context, body: Readable, path: string): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of body) yield chunk as Buffer
    } catch (err: unknown) {
      throw ctx.fail(err, path)
    }
  }
  return Readable.from(chunks(), { objectMode: false, highWaterMark: READ_AHEAD_BYTES })
}

export async function readRange(ctx: S3Context, path: string, range: ReadRange = {}): Promise<StoreRead> {
  const key = ctx.keys.file(path)
  const { offset, length } = checkRange(path, range)
  if (length === 0) return emptyRead(ctx, path, offset)
  const end = length === undefined ? '' : String(offset + length - 1)
  let got: GetObjectCommandOutput
  try {
    got = await ctx.client.send(
      new GetObjectCommand({
        Bucket: ctx.bucket,
        Key: key,
        // No Range header for a whole read: an empty object has no satisfiable range.
        Range: offset === 0 && length === undefined ? undefined : `bytes=${offset}-${end}`,
      }),
    )
  } catch (err: unknown) {
    const status = s3Status(err)
    if (status === 404) {
      if (await anyKeyBelow(ctx, ctx.keys.folder(path), path)) {
        throw new FerryError('IS_A_DIRECTORY', `${path}: is a folder`)
      }
      throw new FerryError('NOT_FOUND', `${path}: does not exist`)
    }
    // 416: the offset is at or past the end; at the end it is an empty read, not an error.
    if (status === 416) return emptyRead(ctx, path, offset)
    throw ctx.fail(err, path)
  }
  if (!(got.Body instanceof Readable))
    throw new FerryError('INTERNAL', `${path}: the S3 body is not a stream`)
  const size = totalSize(got)
  const sha256 = got.Metadata?.[SHA256_META]
  const stat: StoreStat = {
    path,
    name: baseName(path),
    type: 'file',
    size,
    mtimeMs: got.LastModified?.getTime() ?? 0,
    ...(sha256 ? { sha256 } : {}),
  }
  return { stat, offset, length: got.ContentLength ?? 0, body: mapped(ctx, got.Body, path) }
}

/** A read of no bytes still checks the file and the offset. */
async function emptyRead(ctx: S3Context, path: string, offset: number): Promise<StoreRead> {
  const info = await headObject(ctx, ctx.keys.file(path), path)
  if (!info) {
    if (await anyKeyBelow(ctx, ctx.keys.folder(path), path)) {
      throw new FerryError('IS_A_DIRECTORY', `${path}: is a folder`)
    }
    throw new FerryError('NOT_FOUND', `${path}: does not exist`)
  }
  if (offset > info.size) {
    throw new FerryError('OFFSET_INVALID', `${path}: offset ${offset} is beyond the end (${info.size} bytes)`)
  }
  const stat: StoreStat = {
    path,
    name: baseName(path),
    type: 'file',
    size: info.size,
    mtimeMs: info.mtimeMs,
    ...(info.sha256 ? { sha256: info.sha256 } : {}),
  }
  return { stat, offset, length: 0, body: Readable.from([]) }
}
