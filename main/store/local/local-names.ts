// LocalStore's namespace changes: mkdir, delete, rename. Each target is resolved through the ShareRoot jail (a
// symlink is judged by where it leads, a dangling one is refused), then changed through its folder held open
// after the checks (fd-pinning.ts), so a folder swapped for a symlink in between cannot redirect the change.
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { FerryError, fromSystemError } from '../../protocol/error-codes'
import { parseRelativePath } from '../../protocol/paths'
import type { LocalContext } from './local-context'
import { inFolder } from './local-reads'
import type { PinnedFolder, ResolvedTarget } from './share-root'

function sysCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : ''
}

export async function mkdir(
  ctx: LocalContext,
  wirePath: string,
  options: { parents?: boolean } = {},
): Promise<void> {
  if (!options.parents) {
    const target = await ctx.share.resolveTarget(wirePath)
    await inFolder(ctx, target.parentReal, wirePath, (folder) =>
      fsp.mkdir(folder.at(target.name)).catch((err: unknown) => {
        throw fromSystemError(err, wirePath)
      }),
    )
    return
  }
  const segments = parseRelativePath(wirePath)
  // Find the deepest existing ancestor through the jail, then create the rest below its real path.
  let depth = segments.length
  let base = ctx.share.real
  for (; depth > 0; depth--) {
    try {
      base = (await ctx.share.resolveExisting(segments.slice(0, depth).join('/'))).real
      break
    } catch (err: unknown) {
      if (!(err instanceof FerryError) || err.code !== 'NOT_FOUND') throw err
    }
  }
  if (depth === 0) base = ctx.share.real
  const baseStats = await fsp.stat(base).catch((err: unknown) => {
    throw fromSystemError(err, wirePath)
  })
  if (!baseStats.isDirectory()) {
    const what = depth === segments.length ? 'exists and is not a folder' : 'has a file as a parent'
    throw new FerryError(depth === segments.length ? 'EXISTS' : 'NOT_A_DIRECTORY', `${wirePath} ${what}`)
  }
  if (depth < segments.length) {
    // The first missing level may still be a dangling symlink, which mkdir must not create through.
    await ctx.share.resolveTarget(segments.slice(0, depth + 1).join('/'))
    await inFolder(ctx, base, wirePath, (folder) =>
      fsp
        .mkdir(path.join(folder.path, ...segments.slice(depth)), { recursive: true })
        .catch((err: unknown) => {
          throw fromSystemError(err, wirePath)
        }),
    )
  }
}

export async function remove(
  ctx: LocalContext,
  wirePath: string,
  options: { recursive?: boolean } = {},
): Promise<void> {
  if (parseRelativePath(wirePath).length === 0) {
    throw new FerryError('INVALID_ARGUMENT', 'the root of the share cannot be deleted')
  }
  const target = await ctx.share.resolveTarget(wirePath)
  if (!target.existing) throw new FerryError('NOT_FOUND', `${wirePath}: does not exist`)
  const isDir = target.existing.isDirectory()
  await inFolder(ctx, target.parentReal, wirePath, async (folder) => {
    const entry = folder.at(target.name)
    try {
      if (!isDir) await fsp.unlink(entry)
      else if (options.recursive) await fsp.rm(entry, { recursive: true })
      else await fsp.rmdir(entry)
    } catch (err: unknown) {
      // Some systems report a non-empty rmdir as EEXIST.
      if (sysCode(err) === 'EEXIST') throw new FerryError('NOT_EMPTY', `${wirePath}: is not empty`)
      throw fromSystemError(err, wirePath)
    }
  })
}

export async function rename(
  ctx: LocalContext,
  fromPath: string,
  toPath: string,
  options: { mode?: 'fail' | 'overwrite' } = {},
): Promise<void> {
  const from = await ctx.share.resolveTarget(fromPath)
  if (!from.existing) throw new FerryError('NOT_FOUND', `${fromPath}: does not exist`)
  const to = await ctx.share.resolveTarget(toPath)
  if (from.target === to.target) return
  const isDir = from.existing.isDirectory()
  if (isDir && (to.parentReal === from.target || to.parentReal.startsWith(from.target + path.sep))) {
    throw new FerryError('INVALID_ARGUMENT', `cannot move ${fromPath} into itself`)
  }
  const move = { from, to, isDir, mode: options.mode ?? 'fail', toPath }
  // Serialized per target: two renames onto one name never interleave their check and their move.
  await ctx.locks.run(to.target, () =>
    inFolder(ctx, from.parentReal, fromPath, (fromFolder) =>
      inFolder(ctx, to.parentReal, toPath, (toFolder) => moveEntry(move, fromFolder, toFolder)),
    ),
  )
}

interface Move {
  from: ResolvedTarget
  to: ResolvedTarget
  isDir: boolean
  mode: 'fail' | 'overwrite'
  toPath: string
}

/** rename's second half, between the two folders held open: the overwrite rules, then the move itself. */
async function moveEntry(move: Move, fromFolder: PinnedFolder, toFolder: PinnedFolder): Promise<void> {
  const { from, to, isDir, toPath } = move
  const now = await fsp.lstat(toFolder.at(to.name)).catch(() => null)
  const sameEntry = now && now.ino === from.existing?.ino && now.dev === from.existing.dev
  if (now && !sameEntry) {
    if (move.mode !== 'overwrite') throw new FerryError('EXISTS', `${toPath}: already exists`)
    if (now.isDirectory() && !isDir) throw new FerryError('IS_A_DIRECTORY', `${toPath}: is a folder`)
    if (!now.isDirectory() && isDir) throw new FerryError('NOT_A_DIRECTORY', `${toPath}: is not a folder`)
  }
  try {
    await fsp.rename(fromFolder.at(from.name), toFolder.at(to.name))
  } catch (err: unknown) {
    if (sysCode(err) === 'EEXIST') throw new FerryError('NOT_EMPTY', `${toPath}: is not empty`)
    throw fromSystemError(err, toPath)
  }
}
