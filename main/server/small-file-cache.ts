// Bytes and SHA-256 of small files, so a repeated GET skips open/read/close and the hash. An entry is only used
// while the file's identity is unchanged: (dev, ino, size, mtime, ctime) from the lstat the jail walk does anyway
// (the caller must have walked the path with ShareRoot.probePlainSync, which refuses symlinks on the way). Every
// write, truncate, rename onto, chmod or link count change moves ctime, and a replaced file has another inode.
// Bounded by total bytes, least recently used out first.
import type { Stats } from 'node:fs'

export interface CachedFile {
  data: Buffer
  sha256: string
  size: number
  mtimeMs: number
}

interface Entry extends CachedFile {
  dev: number
  ino: number
  ctimeMs: number
}

export interface SmallFileCacheOptions {
  /** Total bytes of file content held. */
  maxBytes: number
  /** Larger files are never cached. */
  maxEntryBytes: number
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

export const DEFAULT_SMALL_FILE_CACHE: SmallFileCacheOptions = {
  maxBytes: 64 * 1024 * 1024,
  maxEntryBytes: 64 * 1024,
  settledMs: 100,
  coarseSettledMs: 3000,
}

function sameIdentity(a: Stats, b: Entry | Stats): boolean {
  return (
    a.ino === b.ino &&
    a.dev === b.dev &&
    a.size === b.size &&
    a.mtimeMs === b.mtimeMs &&
    a.ctimeMs === b.ctimeMs
  )
}

export class SmallFileCache {
  private readonly entries = new Map<string, Entry>()
  private bytes = 0
  private readonly options: SmallFileCacheOptions

  constructor(options: Partial<SmallFileCacheOptions> = {}) {
    this.options = { ...DEFAULT_SMALL_FILE_CACHE, ...options }
  }

  get size(): number {
    return this.entries.size
  }

  get heldBytes(): number {
    return this.bytes
  }

  /** The cached content of `key` if `current` (an lstat of the file, taken now) still has its identity. */
  get(key: string, current: Stats): CachedFile | null {
    const entry = this.entries.get(key)
    if (entry === undefined) return null
    if (!sameIdentity(current, entry)) {
      this.drop(key, entry)
      return null
    }
    // Most recently used last: Map keeps insertion order.
    this.entries.delete(key)
    this.entries.set(key, entry)
    return entry
  }

  /**
   * Offers what was just read: `before` is the fstat of the open file before the read, `after` the one after it.
   * Kept only if the two agree and the file had settled before the read started (`readStartedAt`, Date.now()).
   */
  offer(key: string, data: Buffer, sha256: string, before: Stats, after: Stats, readStartedAt: number): void {
    const { maxBytes, maxEntryBytes, settledMs, coarseSettledMs } = this.options
    if (data.length !== before.size || data.length > maxEntryBytes || data.length > maxBytes) return
    if (!before.isFile() || !sameIdentity(after, before)) return
    const coarse = before.mtimeMs % 1000 === 0 || before.ctimeMs % 1000 === 0
    const settled = readStartedAt - (coarse ? Math.max(settledMs, coarseSettledMs) : settledMs)
    if (Math.max(before.mtimeMs, before.ctimeMs) > settled) return
    const old = this.entries.get(key)
    if (old) this.drop(key, old)
    // A pooled slice would pin its whole 8 KiB slab: keep an exact copy instead.
    let own = data
    if (data.byteOffset !== 0 || data.buffer.byteLength !== data.length) {
      own = Buffer.allocUnsafeSlow(data.length)
      data.copy(own)
    }
    const entry: Entry = {
      data: own,
      sha256,
      size: before.size,
      mtimeMs: before.mtimeMs,
      ctimeMs: before.ctimeMs,
      dev: before.dev,
      ino: before.ino,
    }
    this.entries.set(key, entry)
    this.bytes += own.length
    for (const [oldKey, oldEntry] of this.entries) {
      if (this.bytes <= maxBytes) break
      this.drop(oldKey, oldEntry)
    }
  }

  clear(): void {
    this.entries.clear()
    this.bytes = 0
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key)
    this.bytes -= entry.data.length
  }
}
