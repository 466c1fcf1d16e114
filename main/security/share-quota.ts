// Share quota: the most bytes the shared folder may hold, the server's partial uploads included. An upload's
// declared size is checked before its first byte is written. Usage comes from walking the folder, cached briefly;
// every accepted upload adds its declared bytes to the cached figure at once, so uploads accepted together
// cannot jointly overshoot between two walks.
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { FerryError } from '../protocol/error-codes'

export const QUOTA_CACHE_MS = 2000

export class ShareQuota {
  private cached: { bytes: number; at: number } | null = null
  private walking: Promise<number> | null = null

  constructor(
    private readonly root: string,
    readonly quotaBytes: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isSafeInteger(quotaBytes) || quotaBytes < 0) {
      throw new FerryError('INVALID_ARGUMENT', 'the quota must be a non-negative number of bytes')
    }
  }

  /** Throws QUOTA_EXCEEDED unless `bytes` more fit; on success they count as used until the next walk. */
  async claim(bytes: number): Promise<void> {
    const used = await this.usage()
    if (used + bytes > this.quotaBytes) {
      throw new FerryError(
        'QUOTA_EXCEEDED',
        `the share's quota of ${this.quotaBytes} bytes leaves room for ${Math.max(0, this.quotaBytes - used)} more, not ${bytes}`,
      )
    }
    if (this.cached) this.cached.bytes += bytes
  }

  /** Bytes in the share now (cached for QUOTA_CACHE_MS). */
  async usage(): Promise<number> {
    if (this.cached && this.now() - this.cached.at < QUOTA_CACHE_MS) return this.cached.bytes
    this.walking ??= sizeOfTree(this.root).finally(() => {
      this.walking = null
    })
    const bytes = await this.walking
    this.cached = { bytes, at: this.now() }
    return bytes
  }

  /** Forget the cached figure (after a delete, for example). */
  invalidate(): void {
    this.cached = null
  }
}

/** Total size of regular files under dir; symlinks are not followed (what they point to is counted elsewhere). */
async function sizeOfTree(dir: string): Promise<number> {
  let total = 0
  let entries
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true })
  } catch {
    return 0 // vanished while walking
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) total += await sizeOfTree(full)
    else if (entry.isFile())
      total += await fsp.lstat(full).then(
        (s) => s.size,
        () => 0,
      )
  }
  return total
}
