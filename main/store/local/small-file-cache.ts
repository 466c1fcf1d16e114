// Bytes and SHA-256 of small files, so a repeated GET skips open/read/close and the hash. An entry is only used
// while the file's identity is unchanged (file-identity.ts), checked against the lstat the jail walk does anyway
// (the caller must have walked the path with ShareRoot.probePlainSync, which refuses symlinks on the way).
// Bounded by total bytes, least recently used out first.
import type { Stats } from 'node:fs'
import { cacheable, DEFAULT_SETTLE_RULE, sameIdentity, type SettleRule } from './file-identity'

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

export interface SmallFileCacheOptions extends SettleRule {
  /** Total bytes of file content held. */
  maxBytes: number
  /** Larger files are never cached. */
  maxEntryBytes: number
}

export const DEFAULT_SMALL_FILE_CACHE: SmallFileCacheOptions = {
  maxBytes: 64 * 1024 * 1024,
  maxEntryBytes: 64 * 1024,
  ...DEFAULT_SETTLE_RULE,
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
    const { maxBytes, maxEntryBytes } = this.options
    if (data.length !== before.size || data.length > maxEntryBytes || data.length > maxBytes) return
    if (!before.isFile() || !cacheable(before, after, readStartedAt, this.options)) return
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
