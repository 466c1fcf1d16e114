// Per-address limit on failed access attempts (wrong token). After `maxFailures` failures inside `windowMs` the
// address is locked out for `lockoutMs`, doubling with each further lockout up to `maxLockoutMs`. Memory is
// bounded: at most `maxEntries` addresses are remembered, expired ones are dropped first, then the least
// recently failing one.
import { addressKey } from './address-key'

export interface FailureLimiterOptions {
  maxFailures: number
  windowMs: number
  lockoutMs: number
  maxLockoutMs: number
  maxEntries: number
  now: () => number
}

export const DEFAULT_FAILURE_LIMITS: Omit<FailureLimiterOptions, 'now'> = {
  maxFailures: 5,
  windowMs: 60_000,
  lockoutMs: 30_000,
  maxLockoutMs: 15 * 60_000,
  maxEntries: 10_000,
}

interface Entry {
  failures: number
  windowStart: number
  lockedUntil: number
  lockouts: number
}

export type LimitDecision = { allowed: true } | { allowed: false; retryAfterMs: number }

export class FailureLimiter {
  private readonly entries = new Map<string, Entry>()
  private readonly options: FailureLimiterOptions

  constructor(options: Partial<FailureLimiterOptions> = {}) {
    this.options = { ...DEFAULT_FAILURE_LIMITS, now: Date.now, ...options }
    if (this.options.maxFailures < 1 || this.options.maxEntries < 1) {
      throw new RangeError('maxFailures and maxEntries must be at least 1')
    }
  }

  /** Whether an attempt from this address may be checked at all right now. */
  check(address: string | undefined): LimitDecision {
    const entry = this.entries.get(addressKey(address))
    const now = this.options.now()
    if (entry && entry.lockedUntil > now) return { allowed: false, retryAfterMs: entry.lockedUntil - now }
    return { allowed: true }
  }

  /** Records a failed attempt; the returned decision says whether the address is now locked out. */
  recordFailure(address: string | undefined): LimitDecision {
    const key = addressKey(address)
    const now = this.options.now()
    let entry = this.entries.get(key)
    if (entry && this.isExpired(entry, now)) entry = undefined
    if (!entry) entry = { failures: 0, windowStart: now, lockedUntil: 0, lockouts: 0 }
    if (now - entry.windowStart > this.options.windowMs) {
      entry.failures = 0
      entry.windowStart = now
    }
    entry.failures += 1
    if (entry.failures >= this.options.maxFailures) {
      const lockout = Math.min(this.options.lockoutMs * 2 ** entry.lockouts, this.options.maxLockoutMs)
      entry.lockouts += 1
      entry.lockedUntil = now + lockout
      entry.failures = 0
      entry.windowStart = now
    }
    // Re-insert so Map order is least recently failing first: that is what eviction drops.
    this.entries.delete(key)
    this.makeRoom(now)
    this.entries.set(key, entry)
    return entry.lockedUntil > now
      ? { allowed: false, retryAfterMs: entry.lockedUntil - now }
      : { allowed: true }
  }

  /** A successful attempt clears the address's record. */
  recordSuccess(address: string | undefined): void {
    this.entries.delete(addressKey(address))
  }

  /** Number of addresses remembered (for tests and diagnostics). */
  get size(): number {
    return this.entries.size
  }

  /** An entry is forgotten once its window and lockout are over and its escalation has cooled down. */
  private isExpired(entry: Entry, now: number): boolean {
    const windowOver = now - entry.windowStart > this.options.windowMs
    const cooled = now > entry.lockedUntil + (entry.lockouts > 0 ? this.options.maxLockoutMs : 0)
    return windowOver && cooled
  }

  private makeRoom(now: number): void {
    if (this.entries.size < this.options.maxEntries) return
    for (const [key, entry] of this.entries) {
      if (this.isExpired(entry, now)) this.entries.delete(key)
    }
    while (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next()
      if (oldest.done) break
      this.entries.delete(oldest.value)
    }
  }
}
