// Whole-file SHA-256 of large files by identity, so a repeated or resumed GET of an unchanged file neither hashes
// what it sends nor re-reads the prefix the client already holds: on a 2-core box the server's hash is about a
// third of its CPU per downloaded byte. Keyed by (dev, ino) and used only while the identity is unchanged
// (file-identity.ts); a file that changes during a GET served from here is caught by the caller's fstat after the
// body, and otherwise by the client's end-to-end check. Bounded by entry count, least recently used out first.
import {
  cacheable,
  DEFAULT_SETTLE_RULE,
  sameIdentity,
  type FileIdentity,
  type SettleRule,
} from './file-identity'

export interface FileHashCacheOptions extends SettleRule {
  maxEntries: number
}

export const DEFAULT_FILE_HASH_CACHE: FileHashCacheOptions = { maxEntries: 4096, ...DEFAULT_SETTLE_RULE }

interface Entry {
  identity: FileIdentity
  sha256: string
}

const keyOf = (id: FileIdentity): string => `${id.dev}:${id.ino}`

export class FileHashCache {
  private readonly entries = new Map<string, Entry>()
  private readonly options: FileHashCacheOptions

  constructor(options: Partial<FileHashCacheOptions> = {}) {
    this.options = { ...DEFAULT_FILE_HASH_CACHE, ...options }
  }

  get size(): number {
    return this.entries.size
  }

  /** The SHA-256 recorded for this file if `current` (an fstat of the open file) still has its identity. */
  get(current: FileIdentity): string | null {
    const key = keyOf(current)
    const entry = this.entries.get(key)
    if (entry === undefined) return null
    if (!sameIdentity(current, entry.identity)) {
      this.entries.delete(key)
      return null
    }
    this.entries.delete(key)
    this.entries.set(key, entry)
    return entry.sha256
  }

  /** Records the hash of a whole read, if the file held still during it (see file-identity.ts `cacheable`). */
  offer(sha256: string, before: FileIdentity, after: FileIdentity, readStartedAt: number): void {
    if (this.options.maxEntries <= 0 || !cacheable(before, after, readStartedAt, this.options)) return
    const key = keyOf(before)
    this.entries.delete(key)
    const { dev, ino, size, mtimeMs, ctimeMs } = before
    this.entries.set(key, { identity: { dev, ino, size, mtimeMs, ctimeMs }, sha256 })
    for (const oldKey of this.entries.keys()) {
      if (this.entries.size <= this.options.maxEntries) break
      this.entries.delete(oldKey)
    }
  }

  clear(): void {
    this.entries.clear()
  }
}
