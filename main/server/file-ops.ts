// LIST, STAT, MKDIR, DELETE and RENAME. Each takes a validated request and returns the success reply (or throws
// a FerryError the session turns into an error response). All paths go through the ShareRoot jail.
import { promises as fsp, type Dirent, type Stats } from 'node:fs'
import path from 'node:path'
import { FerryError, fromSystemError } from '../protocol/error-codes'
import { MAX_LISTING_BYTES } from '../protocol/limits'
import type { Entry, Request } from '../protocol/messages'
import { nameProblem, parseRelativePath } from '../protocol/paths'
import type { KeyedMutex } from '../fs-io/keyed-mutex'
import type { PinnedFolder, ResolvedTarget, ShareRoot } from '../store/local/share-root'

export interface OpsContext {
  share: ShareRoot
  readOnly: boolean
  /** Serializes changes per absolute target path. */
  locks: KeyedMutex
}

export interface Reply {
  header: Record<string, unknown>
  body?: Buffer
}

type Req<Op extends Request['op']> = Extract<Request, { op: Op }>

/** How many entries of a folder are stat'ed at once: enough to keep the thread pool busy, not to flood it. */
const STAT_BATCH = 64

function assertWritable(ctx: OpsContext): void {
  if (ctx.readOnly) throw new FerryError('READ_ONLY', 'the share is read-only')
}

function sysCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : ''
}

function typeOf(stats: Stats): Entry['type'] | null {
  if (stats.isFile()) return 'file'
  if (stats.isDirectory()) return 'dir'
  return null
}

async function statEntry(ctx: OpsContext, dirReal: string, dirent: Dirent): Promise<Entry | null> {
  const name = dirent.name
  if (nameProblem(name) !== null) return null
  const full = path.join(dirReal, name)
  try {
    let stats: Stats
    if (dirent.isSymbolicLink()) {
      const real = await fsp.realpath(full)
      if (!ctx.share.contains(real)) return null
      stats = await fsp.stat(real)
    } else if (dirent.isFile() || dirent.isDirectory()) {
      stats = await fsp.lstat(full)
    } else {
      return null
    }
    const type = typeOf(stats)
    if (!type) return null
    return { name, type, size: type === 'file' ? stats.size : 0, mtimeMs: stats.mtimeMs }
  } catch {
    // Vanished or unreadable between readdir and stat: not worth failing the whole listing.
    return null
  }
}

/** Runs `use` on a folder held open after the checks (ShareRoot.pinFolder), closing it afterwards. */
async function inFolder<T>(
  ctx: OpsContext,
  realDir: string,
  wirePath: string,
  use: (folder: PinnedFolder) => Promise<T>,
): Promise<T> {
  const folder = await ctx.share.pinFolder(realDir, wirePath)
  try {
    return await use(folder)
  } finally {
    await folder.close()
  }
}

export async function list(ctx: OpsContext, req: Req<'LIST'>): Promise<Reply> {
  const { real } = await ctx.share.resolveExisting(req.path)
  const entries = await inFolder(ctx, real, req.path, async (folder) => {
    let dirents: Dirent[]
    try {
      dirents = await fsp.readdir(folder.path, { withFileTypes: true })
    } catch (err: unknown) {
      throw fromSystemError(err, req.path || 'share root')
    }
    const found: Entry[] = []
    for (let i = 0; i < dirents.length; i += STAT_BATCH) {
      const batch = dirents.slice(i, i + STAT_BATCH).map((d) => statEntry(ctx, folder.path, d))
      for (const entry of await Promise.all(batch)) if (entry) found.push(entry)
    }
    return found
  })
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const body = Buffer.from(JSON.stringify(entries), 'utf8')
  if (body.length > MAX_LISTING_BYTES) throw new FerryError('TOO_LARGE', 'folder listing is too large')
  return { header: { count: entries.length, body: body.length }, body }
}

export async function stat(ctx: OpsContext, req: Req<'STAT'>): Promise<Reply> {
  const { real } = await ctx.share.resolveExisting(req.path)
  let stats: Stats
  try {
    stats = await fsp.stat(real)
  } catch (err: unknown) {
    throw fromSystemError(err, req.path)
  }
  const type = typeOf(stats)
  if (!type) throw new FerryError('UNSUPPORTED', `${JSON.stringify(req.path)} is neither a file nor a folder`)
  const segments = parseRelativePath(req.path)
  const name = segments[segments.length - 1] ?? (path.basename(ctx.share.real) || '/')
  const entry = { path: req.path, name, type, size: type === 'file' ? stats.size : 0, mtimeMs: stats.mtimeMs }
  return { header: { entry } }
}

export async function mkdir(ctx: OpsContext, req: Req<'MKDIR'>): Promise<Reply> {
  assertWritable(ctx)
  if (!req.parents) {
    const target = await ctx.share.resolveTarget(req.path)
    await inFolder(ctx, target.parentReal, req.path, (folder) =>
      fsp.mkdir(folder.at(target.name)).catch((err: unknown) => {
        throw fromSystemError(err, req.path)
      }),
    )
    return { header: { path: req.path } }
  }
  const segments = parseRelativePath(req.path)
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
    throw fromSystemError(err, req.path)
  })
  if (!baseStats.isDirectory()) {
    const what = depth === segments.length ? 'exists and is not a folder' : 'has a file as a parent'
    throw new FerryError(depth === segments.length ? 'EXISTS' : 'NOT_A_DIRECTORY', `${req.path} ${what}`)
  }
  if (depth < segments.length) {
    // The first missing level may still be a dangling symlink, which mkdir must not create through.
    await ctx.share.resolveTarget(segments.slice(0, depth + 1).join('/'))
    await inFolder(ctx, base, req.path, (folder) =>
      fsp
        .mkdir(path.join(folder.path, ...segments.slice(depth)), { recursive: true })
        .catch((err: unknown) => {
          throw fromSystemError(err, req.path)
        }),
    )
  }
  return { header: { path: req.path } }
}

export async function remove(ctx: OpsContext, req: Req<'DELETE'>): Promise<Reply> {
  assertWritable(ctx)
  const target = await ctx.share.resolveTarget(req.path)
  if (!target.existing) throw new FerryError('NOT_FOUND', `${req.path}: does not exist`)
  const isDir = target.existing.isDirectory()
  await inFolder(ctx, target.parentReal, req.path, async (folder) => {
    const entry = folder.at(target.name)
    try {
      if (!isDir) await fsp.unlink(entry)
      else if (req.recursive) await fsp.rm(entry, { recursive: true })
      else await fsp.rmdir(entry)
    } catch (err: unknown) {
      // Some systems report a non-empty rmdir as EEXIST.
      if (sysCode(err) === 'EEXIST') throw new FerryError('NOT_EMPTY', `${req.path}: is not empty`)
      throw fromSystemError(err, req.path)
    }
  })
  return { header: {} }
}

export async function rename(ctx: OpsContext, req: Req<'RENAME'>): Promise<Reply> {
  assertWritable(ctx)
  const from = await ctx.share.resolveTarget(req.from)
  if (!from.existing) throw new FerryError('NOT_FOUND', `${req.from}: does not exist`)
  const to = await ctx.share.resolveTarget(req.to)
  if (from.target === to.target) return { header: { path: req.to } }
  const isDir = from.existing.isDirectory()
  if (isDir && (to.parentReal === from.target || to.parentReal.startsWith(from.target + path.sep))) {
    throw new FerryError('INVALID_ARGUMENT', `cannot move ${req.from} into itself`)
  }
  return ctx.locks.run(to.target, () =>
    inFolder(ctx, from.parentReal, req.from, (fromFolder) =>
      inFolder(ctx, to.parentReal, req.to, (toFolder) =>
        moveEntry(req, from, to, isDir, fromFolder, toFolder),
      ),
    ),
  )
}

/** RENAME's second half, between the two folders held open: the overwrite rules, then the move itself. */
async function moveEntry(
  req: Req<'RENAME'>,
  from: ResolvedTarget,
  to: ResolvedTarget,
  isDir: boolean,
  fromFolder: PinnedFolder,
  toFolder: PinnedFolder,
): Promise<Reply> {
  const now = await fsp.lstat(toFolder.at(to.name)).catch(() => null)
  const sameEntry = now && now.ino === from.existing?.ino && now.dev === from.existing.dev
  if (now && !sameEntry) {
    if (req.mode !== 'overwrite') throw new FerryError('EXISTS', `${req.to}: already exists`)
    if (now.isDirectory() && !isDir) throw new FerryError('IS_A_DIRECTORY', `${req.to}: is a folder`)
    if (!now.isDirectory() && isDir) throw new FerryError('NOT_A_DIRECTORY', `${req.to}: is not a folder`)
  }
  try {
    await fsp.rename(fromFolder.at(from.name), toFolder.at(to.name))
  } catch (err: unknown) {
    if (sysCode(err) === 'EEXIST') throw new FerryError('NOT_EMPTY', `${req.to}: is not empty`)
    throw fromSystemError(err, req.to)
  }
  return { header: { path: req.to } }
}
