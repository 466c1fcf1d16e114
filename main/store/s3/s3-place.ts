// The last step of an upload: make the verified bytes visible under their name, whole and at once, by the commit's
// overwrite mode. A small file is one PutObject from memory; a staged multipart upload is one server-side copy of
// its hidden completed object, which is when its SHA-256 goes into the metadata (S3 fixes an object's metadata when
// the multipart upload is created, and a streamed PUT's SHA-256 arrives only at the end).
//
// Create-only ('fail', and every name 'rename' tries): PutObject with If-None-Match: * is exact on AWS S3 and on
// Ceph 16, so two servers racing for one new name cannot both win. A copy (and a multipart completion) with
// If-None-Match is exact on AWS S3 only: Ceph 16 ignores the header there, so what remains is the HeadObject check
// just before, and a file created by another server between that check and the copy is replaced (last writer wins)
// instead of refused. Files up to the part size, the common case, never take that path.
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { FerryError } from '../../protocol/error-codes'
import type { OverwriteMode } from '../../protocol/messages'
import { baseName, joinRelativePath, numberedName, parentPath } from '../../protocol/paths'
import { copyObject } from './s3-copy'
import { SHA256_META, type S3Context } from './s3-context'
import { anyKeyBelow, assertFolder, headObject, type ObjectInfo } from './s3-objects'

/** 'rename' mode gives up after name (2) ... name (MAX_NUMBERED), as the local store does. */
const MAX_NUMBERED = 9999

export type PlaceSource = { data: Uint8Array } | { object: ObjectInfo }

/** Places the bytes at `path` (or a numbered name) and returns the path used. */
export async function placeFile(
  ctx: S3Context,
  path: string,
  mode: OverwriteMode,
  source: PlaceSource,
  sha256: string,
): Promise<string> {
  const folder = parentPath(path)
  await assertFolder(ctx, folder, path)
  const name = baseName(path)
  for (let n = 1; n <= MAX_NUMBERED; n++) {
    const candidate = joinRelativePath(folder, n === 1 ? name : numberedName(name, n))
    const key = ctx.keys.file(candidate)
    if (await anyKeyBelow(ctx, ctx.keys.folder(candidate), candidate)) {
      if (mode === 'rename') continue
      throw new FerryError('IS_A_DIRECTORY', `${candidate}: is a folder`)
    }
    const createOnly = mode !== 'overwrite'
    if (createOnly && (await headObject(ctx, key, candidate))) {
      if (mode === 'rename') continue
      throw new FerryError('EXISTS', `${candidate}: already exists`)
    }
    try {
      await write(ctx, key, candidate, source, sha256, createOnly)
      return candidate
    } catch (err: unknown) {
      if (!(err instanceof FerryError) || err.code !== 'EXISTS' || mode !== 'rename') throw err
    }
  }
  throw new FerryError('EXISTS', `${path}: no free numbered name left`)
}

async function write(
  ctx: S3Context,
  key: string,
  what: string,
  source: PlaceSource,
  sha256: string,
  createOnly: boolean,
): Promise<void> {
  if ('object' in source) {
    await copyObject(ctx, source.object, key, what, { sha256, createOnly })
    return
  }
  await ctx.client
    .send(
      new PutObjectCommand({
        Bucket: ctx.bucket,
        Key: key,
        Body: source.data,
        ContentLength: source.data.length,
        Metadata: { [SHA256_META]: sha256 },
        IfNoneMatch: createOnly ? '*' : undefined,
      }),
    )
    .catch((err: unknown) => {
      throw ctx.fail(err, what)
    })
}
