// RENAME on S3, which has no rename: copy every object to its new key, then delete the old ones. All copies are
// made before the first delete, so stopping at any point loses nothing: during the copies the source is whole
// (and the copies made so far are removed again when possible); during the deletes the target is whole. The error
// says which of the two it was.
import { FerryError } from '../../protocol/error-codes'
import { parentPath } from '../../protocol/paths'
import { runLimited } from './run-limited'
import { copyObject } from './s3-copy'
import type { S3Context } from './s3-context'
import { MAX_KEY_BYTES } from './s3-keys'
import { assertFolder, deleteKeys, kindOf, objectsBelow, putMarker, type ObjectInfo } from './s3-objects'

/** Copies in flight at once. */
const COPIES = 8

export async function renamePath(
  ctx: S3Context,
  from: string,
  to: string,
  mode: 'fail' | 'overwrite',
): Promise<void> {
  const what = `rename ${from} to ${to}`
  ctx.keys.file(from) // PATH_INVALID for the root and for bad paths, before anything else
  ctx.keys.file(to)
  if (from === to) return
  const source = await kindOf(ctx, from)
  if (source.kind === 'none') throw new FerryError('NOT_FOUND', `${from}: does not exist`)
  if (source.kind === 'dir' && to.startsWith(`${from}/`)) {
    throw new FerryError('INVALID_ARGUMENT', `cannot move ${from} into itself`)
  }
  await assertFolder(ctx, parentPath(to), what)
  const target = await kindOf(ctx, to)
  if (target.kind !== 'none') {
    if (mode !== 'overwrite') throw new FerryError('EXISTS', `${to}: already exists`)
    if (target.kind === 'dir' && source.kind === 'file')
      throw new FerryError('IS_A_DIRECTORY', `${to}: is a folder`)
    if (target.kind === 'file' && source.kind === 'dir') {
      throw new FerryError('NOT_A_DIRECTORY', `${to}: is not a folder`)
    }
    if (target.kind === 'dir' && (await folderHasContent(ctx, to))) {
      throw new FerryError('NOT_EMPTY', `${to}: is not empty`)
    }
  }
  if (source.kind === 'file') {
    await copyObject(ctx, source.info, ctx.keys.file(to), what, { createOnly: mode !== 'overwrite' })
    await deleteKeys(ctx, [source.info.key], what)
  } else {
    await moveFolder(ctx, from, to, what)
  }
  // The old folder must not vanish with its last file (a folder without a marker is only a key prefix).
  await putMarker(ctx, ctx.keys.folder(parentPath(from)), what)
}

/** True when a folder holds anything besides its own marker. */
async function folderHasContent(ctx: S3Context, path: string): Promise<boolean> {
  const marker = ctx.keys.folder(path)
  for await (const page of objectsBelow(ctx, marker, path)) {
    if (page.some((o) => o.Key !== marker)) return true
  }
  return false
}

async function moveFolder(ctx: S3Context, from: string, to: string, what: string): Promise<void> {
  const fromKey = ctx.keys.folder(from)
  const toKey = ctx.keys.folder(to)
  const objects: ObjectInfo[] = []
  for await (const page of objectsBelow(ctx, fromKey, what)) {
    for (const o of page) {
      // The folder's own marker is not copied: the target's is written first, so the target exists throughout.
      if (o.Key !== undefined && o.Key !== fromKey)
        objects.push({ key: o.Key, size: o.Size ?? 0, mtimeMs: 0 })
    }
  }
  // Every new key is checked before the first copy, so a rename that cannot finish starts nothing.
  const targets = objects.map((o) => toKey + o.key.slice(fromKey.length))
  const tooLong = targets.find((key) => Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES)
  if (tooLong !== undefined) {
    throw new FerryError(
      'PATH_INVALID',
      `${what}: ${ctx.keys.pathOf(tooLong)} would be too long for an object key`,
    )
  }
  const copied: string[] = []
  try {
    await putMarker(ctx, toKey, what)
    copied.push(toKey)
    await runLimited(objects, COPIES, async (object, i) => {
      const target = targets[i] as string
      await copyObject(ctx, object, target, what)
      copied.push(target)
    })
  } catch (err: unknown) {
    const cause = err instanceof FerryError ? err : ctx.fail(err, what)
    const undone = await deleteKeys(ctx, copied, what).then(
      () => true,
      () => false,
    )
    throw new FerryError(
      cause.code,
      `${what} stopped after copying ${copied.length} of ${objects.length + 1} objects (${cause.message}); ` +
        (undone
          ? `${from} is unchanged and the copies were removed`
          : `${from} is unchanged, ${to} holds partial copies that could not be removed`),
      { cause },
    )
  }
  try {
    // The marker last: until then the old folder still shows what is left of it.
    await deleteKeys(
      ctx,
      objects.map((o) => o.key),
      what,
    )
    await deleteKeys(ctx, [fromKey], what)
  } catch (err: unknown) {
    const cause = err instanceof FerryError ? err : ctx.fail(err, what)
    throw new FerryError(
      cause.code,
      `${what}: ${to} is complete, but removing ${from} stopped (${cause.message}); what is left of ${from} ` +
        'duplicates files in ' +
        to +
        ' and can be deleted',
      { cause },
    )
  }
}
