// When a cached fact about a file (its bytes, its SHA-256) may be reused: only while the file's identity is
// unchanged, (dev, ino, size, mtime, ctime). Every write, truncate, rename onto, chmod or link count change moves
// ctime, and a replaced file has another inode. Shared by the small-file cache and the whole-file hash cache.
import type { Stats } from 'node:fs'

export type FileIdentity = Pick<Stats, 'dev' | 'ino' | 'size' | 'mtimeMs' | 'ctimeMs'>

export interface SettleRule {
  /**
   * A file changed less than this long before it was read is not cached: file system timestamps are coarse
   * (Linux stamps files from a clock that ticks every 1-10 ms), so a write within the same tick may leave mtime
   * and ctime as they were. Only a file that has been quiet for longer than a tick is known to carry a ctime that
   * the next write must change.
   */
  settledMs: number
  /**
   * The same for file systems whose timestamps are whole seconds (FAT keeps mtime in 2 s steps, ext3 and HFS+
   * in 1 s): recognized by a timestamp without a fractional second.
   */
  coarseSettledMs: number
}

export const DEFAULT_SETTLE_RULE: SettleRule = { settledMs: 100, coarseSettledMs: 3000 }

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return (
    a.ino === b.ino &&
    a.dev === b.dev &&
    a.size === b.size &&
    a.mtimeMs === b.mtimeMs &&
    a.ctimeMs === b.ctimeMs
  )
}

/**
 * True when what was read between `before` and `after` (fstats of the open file) may be cached: the identity did
 * not move during the read, and the file had settled before the read started (`readStartedAt`, Date.now()).
 */
export function cacheable(
  before: FileIdentity,
  after: FileIdentity,
  readStartedAt: number,
  rule: SettleRule,
): boolean {
  if (!sameIdentity(before, after)) return false
  const coarse = before.mtimeMs % 1000 === 0 || before.ctimeMs % 1000 === 0
  const settled = readStartedAt - (coarse ? Math.max(rule.settledMs, rule.coarseSettledMs) : rule.settledMs)
  return Math.max(before.mtimeMs, before.ctimeMs) <= settled
}
