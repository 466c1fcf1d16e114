// Optional request rate limit per address: a token bucket of `perSecond` requests with a burst of `burst`.
// Over it a request is answered RATE_LIMITED (the connection stays usable). The table of buckets is bounded:
// full buckets carry no state and are dropped first, then the least recently used.
import { addressKey } from './address-key'

export interface RequestRateOptions {
  perSecond: number
  burst: number
  maxEntries: number
  now: () => number
}

interface Bucket {
  tokens: number
  at: number
}

export class RequestRateLimiter {
  private readonly buckets = new Map<string, Bucket>()
  private readonly options: RequestRateOptions

  constructor(options: Partial<RequestRateOptions> & { perSecond: number }) {
    this.options = { burst: options.perSecond * 2, maxEntries: 10_000, now: Date.now, ...options }
    if (!(this.options.perSecond > 0) || !(this.options.burst >= 1)) {
      throw new RangeError('perSecond must be positive and burst at least 1')
    }
  }

  /** Takes one request's token; false means over the limit. */
  take(address: string | undefined): boolean {
    const key = addressKey(address)
    const now = this.options.now()
    const bucket = this.buckets.get(key) ?? { tokens: this.options.burst, at: now }
    bucket.tokens = Math.min(
      this.options.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.options.perSecond,
    )
    bucket.at = now
    const allowed = bucket.tokens >= 1
    if (allowed) bucket.tokens -= 1
    this.buckets.delete(key)
    this.makeRoom(now)
    this.buckets.set(key, bucket)
    return allowed
  }

  get size(): number {
    return this.buckets.size
  }

  private makeRoom(now: number): void {
    if (this.buckets.size < this.options.maxEntries) return
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.options.perSecond >= this.options.burst)
        this.buckets.delete(key)
    }
    while (this.buckets.size >= this.options.maxEntries) {
      const oldest = this.buckets.keys().next()
      if (oldest.done) break
      this.buckets.delete(oldest.value)
    }
  }
}
