// LocalStore.readSmallSync: a whole small file and its SHA-256 with synchronous fs calls, while the SyncGate says
// they stay fast. This is what keeps thousands of small GETs per second cheap: no thread-pool round trip, and on a
// small-file cache hit nothing but one lstat per folder level touches the disk.
import { createHash } from 'node:crypto'
import fs, { type Stats } from 'node:fs'
import { FerryError, fromSystemError } from '../../protocol/error-codes'
import type { SmallFileRead } from '../share-store'
import type { LocalContext } from './local-context'
import type { PlainProbe } from './share-root'
import type { SmallFileCache } from './small-file-cache'

/** Files up to this size are read with synchronous calls while the SyncGate is open. */
export const SYNC_READ_BYTES = 64 * 1024

interface Opened {
  fd: number
  stats: Stats
}

function openSync(ctx: LocalContext, wirePath: string, probe?: PlainProbe | null): Opened {
  const fd = ctx.share.openReadSync(wirePath, probe)
  try {
    return { fd, stats: fs.fstatSync(fd) }
  } catch (err: unknown) {
    fs.closeSync(fd)
    throw err
  }
}

function readFullySync(fd: number, buffer: Buffer, length: number): number {
  let done = 0
  while (done < length) {
    const n = fs.readSync(fd, buffer, done, length - done, done)
    if (n === 0) break
    done += n
  }
  return done
}

function closeQuietlySync(fd: number): void {
  try {
    fs.closeSync(fd)
  } catch {
    // Closing a read-only fd cannot lose data.
  }
}

function sha256Of(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

/**
 * With the cache: one lstat per folder level and of the file itself; a hit touches nothing else. A miss reads the
 * file (opened without following a symlink) and offers it to the cache with the fstat taken before and after the
 * read. Returns undefined when this path is not for the cache (a symlink on the way, not a small plain file).
 */
function readCached(
  ctx: LocalContext,
  cache: SmallFileCache,
  wirePath: string,
): SmallFileRead | null | undefined {
  const gate = ctx.syncGate
  const probe = gate.time(() => ctx.share.probePlainSync(wirePath, true))
  const stats = probe?.stats
  if (probe === null || stats === undefined || !stats.isFile()) return undefined
  // A larger plain file is for the streaming path: saying so now spares a second walk and open.
  if (stats.size > SYNC_READ_BYTES) return null
  const hit = cache.get(wirePath, stats)
  if (hit !== null) return { data: hit.data, sha256: hit.sha256, mtimeMs: hit.mtimeMs }
  const startedAt = Date.now()
  const { fd, stats: before } = gate.time(() => openSync(ctx, wirePath, probe))
  try {
    if (!before.isFile() || before.size > SYNC_READ_BYTES) return undefined
    const content = Buffer.allocUnsafe(before.size)
    const { size, after } = gate.time(() => {
      const n = before.size === 0 ? 0 : readFullySync(fd, content, before.size)
      return { size: n, after: fs.fstatSync(fd) }
    })
    const data = content.subarray(0, size)
    const sha256 = sha256Of(data)
    cache.offer(wirePath, data, sha256, before, after, startedAt)
    return { data, sha256, mtimeMs: before.mtimeMs }
  } finally {
    closeQuietlySync(fd)
  }
}

/** Opens through the jail (realpath when needed), reads a small file whole; null for a larger one. */
function readUncached(ctx: LocalContext, wirePath: string): SmallFileRead | null {
  const gate = ctx.syncGate
  const { fd, stats } = gate.time(() => openSync(ctx, wirePath))
  try {
    if (stats.isDirectory()) throw new FerryError('IS_A_DIRECTORY', `${wirePath}: is a folder`)
    if (!stats.isFile()) throw new FerryError('UNSUPPORTED', `${wirePath}: is not a regular file`)
    if (stats.size > SYNC_READ_BYTES) return null
    const content = Buffer.allocUnsafe(stats.size)
    // A file that shrank since fstat is simply read at its new length.
    const size = stats.size === 0 ? 0 : gate.time(() => readFullySync(fd, content, stats.size))
    const data = content.subarray(0, size)
    return { data, sha256: sha256Of(data), mtimeMs: stats.mtimeMs }
  } finally {
    closeQuietlySync(fd)
  }
}

export function readSmallSync(ctx: LocalContext, wirePath: string): SmallFileRead | null {
  if (!ctx.syncGate.open) return null
  try {
    if (ctx.smallFiles) {
      const cached = readCached(ctx, ctx.smallFiles, wirePath)
      if (cached !== undefined) return cached
    }
    return readUncached(ctx, wirePath)
  } catch (err: unknown) {
    throw fromSystemError(err, wirePath)
  }
}
