// LocalStore's reads: check, list, stat, read (with the whole-file hash cache), and the hash the server reports
// back after a whole read. Every path goes through the ShareRoot jail; folders are read through the fd they were
// opened as (fd-pinning.ts). The synchronous small-file path is local-small-read.ts.
import { promises as fsp, type Dirent, type Stats } from 'node:fs'
import path from 'node:path'
import { FerryError, fromSystemError } from '../../protocol/error-codes'
import { nameProblem, parseRelativePath } from '../../protocol/paths'
import type { ReadRange, StoreEntry, StoreRead, StoreStat } from '../share-store'
import { fstatFd, openFd, closeFdQuietly } from './fd-io'
import type { LocalContext } from './local-context'
import { RangeStream } from './local-read-stream'
import { READ_FLAGS, type PinnedFolder } from './share-root'

/** How many entries of a folder are stat'ed at once: enough to keep the thread pool busy, not to flood it. */
const STAT_BATCH = 64
/**
 * Files above this size have their whole-file SHA-256 remembered (file-hash-cache.ts): hashing them is what costs;
 * smaller ones are hashed in passing (and the small-file cache keeps the smallest whole).
 */
export const HASH_CACHE_MIN_BYTES = 256 * 1024

function typeOf(stats: Stats): StoreEntry['type'] | null {
  if (stats.isFile()) return 'file'
  if (stats.isDirectory()) return 'dir'
  return null
}

export async function check(ctx: LocalContext): Promise<void> {
  const stats = await fsp.stat(ctx.share.real).catch((err: unknown) => {
    throw fromSystemError(err, `share root ${ctx.share.real}`)
  })
  if (!stats.isDirectory())
    throw new FerryError('NOT_A_DIRECTORY', `share root ${ctx.share.real} is not a folder`)
}

/** Runs `use` on a folder held open after the checks (ShareRoot.pinFolder), closing it afterwards. */
export async function inFolder<T>(
  ctx: LocalContext,
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

/** Stats an entry, following a symlink only while it stays inside the share; null for anything else. */
async function statEntry(ctx: LocalContext, dirPath: string, dirent: Dirent): Promise<StoreEntry | null> {
  const name = dirent.name
  if (nameProblem(name) !== null) return null
  const full = path.join(dirPath, name)
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

export async function list(ctx: LocalContext, wirePath: string): Promise<StoreEntry[]> {
  const { real } = await ctx.share.resolveExisting(wirePath)
  const entries = await inFolder(ctx, real, wirePath, async (folder) => {
    let dirents: Dirent[]
    try {
      dirents = await fsp.readdir(folder.path, { withFileTypes: true })
    } catch (err: unknown) {
      throw fromSystemError(err, wirePath || 'share root')
    }
    const found: StoreEntry[] = []
    for (let i = 0; i < dirents.length; i += STAT_BATCH) {
      const batch = dirents.slice(i, i + STAT_BATCH).map((d) => statEntry(ctx, folder.path, d))
      for (const entry of await Promise.all(batch)) if (entry) found.push(entry)
    }
    return found
  })
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

export async function stat(ctx: LocalContext, wirePath: string): Promise<StoreStat> {
  const { real } = await ctx.share.resolveExisting(wirePath)
  let stats: Stats
  try {
    stats = await fsp.stat(real)
  } catch (err: unknown) {
    throw fromSystemError(err, wirePath)
  }
  const type = typeOf(stats)
  if (!type) throw new FerryError('UNSUPPORTED', `${JSON.stringify(wirePath)} is neither a file nor a folder`)
  const name = parseRelativePath(wirePath).at(-1) ?? (path.basename(ctx.share.real) || '/')
  const sha256 = type === 'file' ? (ctx.fileHashes?.get(stats) ?? undefined) : undefined
  return {
    path: wirePath,
    name,
    type,
    size: type === 'file' ? stats.size : 0,
    mtimeMs: stats.mtimeMs,
    ...(sha256 !== undefined ? { sha256 } : {}),
  }
}

/** What rememberSha256 needs to know about a read it is told the hash of. */
interface ReadRecord {
  body: RangeStream
  before: Stats
  startedAt: number
}

/** Reads handed out, until the server reports their hash or forgets them. */
const records = new WeakMap<StoreRead, ReadRecord>()

async function openInside(ctx: LocalContext, wirePath: string): Promise<{ fd: number; stats: Stats }> {
  const { real } = await ctx.share.resolveExisting(wirePath)
  let fd: number
  try {
    fd = await openFd(real, READ_FLAGS)
  } catch (err: unknown) {
    throw fromSystemError(err, wirePath)
  }
  try {
    ctx.share.assertOpenedInside(fd, wirePath)
    return { fd, stats: await fstatFd(fd) }
  } catch (err: unknown) {
    closeFdQuietly(fd)
    throw fromSystemError(err, wirePath)
  }
}

function checkRange(wirePath: string, size: number, range: ReadRange): { offset: number; length: number } {
  const offset = range.offset ?? 0
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > size) {
    throw new FerryError('OFFSET_INVALID', `${wirePath}: offset ${offset} is past the end (${size} bytes)`)
  }
  const length = range.length
  if (length !== undefined && (!Number.isSafeInteger(length) || length < 0)) {
    throw new FerryError('INVALID_ARGUMENT', `${wirePath}: invalid length ${length}`)
  }
  return { offset, length: Math.min(length ?? size - offset, size - offset) }
}

export async function read(ctx: LocalContext, wirePath: string, range: ReadRange = {}): Promise<StoreRead> {
  const startedAt = Date.now()
  const { fd, stats } = await openInside(ctx, wirePath)
  let body: RangeStream
  let result: StoreRead
  try {
    if (stats.isDirectory()) throw new FerryError('IS_A_DIRECTORY', `${wirePath}: is a folder`)
    if (!stats.isFile()) throw new FerryError('UNSUPPORTED', `${wirePath}: is not a regular file`)
    const { offset, length } = checkRange(wirePath, stats.size, range)
    const remembers = ctx.fileHashes !== undefined && stats.size > HASH_CACHE_MIN_BYTES
    const known = remembers ? (ctx.fileHashes?.get(stats) ?? null) : null
    body = new RangeStream({
      fd,
      wirePath,
      before: stats,
      start: offset,
      length,
      mustHoldStill: known !== null,
      fstatAtEnd: remembers,
    })
    const stat: StoreStat = {
      path: wirePath,
      name: parseRelativePath(wirePath).at(-1) ?? '',
      type: 'file',
      size: stats.size,
      mtimeMs: stats.mtimeMs,
      ...(known !== null ? { sha256: known } : {}),
    }
    result = { stat, offset, length, body, release: (chunk) => body.release(chunk) }
  } catch (err: unknown) {
    closeFdQuietly(fd)
    throw err
  }
  if (body.options.fstatAtEnd) records.set(result, { body, before: stats, startedAt })
  return result
}

/** Keeps the hash of a whole read if the file held still during it and had settled before (file-identity.ts). */
export function rememberSha256(ctx: LocalContext, read: StoreRead, sha256: string): void {
  const record = records.get(read)
  records.delete(read)
  if (record === undefined || read.offset !== 0 || read.length !== record.before.size) return
  const after = record.body.after
  if (after !== null) ctx.fileHashes?.offer(sha256, record.before, after, record.startedAt)
}
