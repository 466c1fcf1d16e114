// Share quota: the most bytes the share may hold, staged uploads included. An upload's declared size is checked
// before its first byte is written. Usage comes from the store (ShareStore.usage: a folder walk, or a bucket
// listing), cached briefly; every accepted upload adds its declared bytes to the cached figure at once, so
// uploads accepted together cannot jointly overshoot between two counts.
import { FerryError } from '../protocol/error-codes'

export const QUOTA_CACHE_MS = 2000

/** Where the bytes in use come from: the share's store. */
export interface UsageSource {
  usage(): Promise<number>
}

export class ShareQuota {
  private cached: { bytes: number; at: number } | null = null
  private counting: Promise<number> | null = null

  constructor(
    private readonly source: UsageSource,
    readonly quotaBytes: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isSafeInteger(quotaBytes) || quotaBytes < 0) {
      throw new FerryError('INVALID_ARGUMENT', 'the quota must be a non-negative number of bytes')
    }
  }

  /** Throws QUOTA_EXCEEDED unless `bytes` more fit; on success they count as used until the next count. */
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

  /** Bytes in the share now (cached for QUOTA_CACHE_MS); one count at a time, shared by whoever asks. */
  async usage(): Promise<number> {
    if (this.cached && this.now() - this.cached.at < QUOTA_CACHE_MS) return this.cached.bytes
    this.counting ??= this.source.usage().finally(() => {
      this.counting = null
    })
    const bytes = await this.counting
    this.cached = { bytes, at: this.now() }
    return bytes
  }

  /** Forget the cached figure (after a delete, for example). */
  invalidate(): void {
    this.cached = null
  }
}
