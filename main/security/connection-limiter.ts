// Caps open connections overall and per address (see address-key.ts for what "address" means). Memory is
// bounded by the number of open connections: an address's counter is dropped when it reaches zero.
import { addressKey } from './address-key'

export interface ConnectionLimits {
  maxTotal: number
  maxPerAddress: number
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { maxTotal: 20_000, maxPerAddress: 256 }

/** Held for the life of one connection; release() is idempotent. */
export interface ConnectionLease {
  readonly key: string
  release(): void
}

export type AdmitResult =
  | { admitted: true; lease: ConnectionLease }
  | { admitted: false; reason: 'total' | 'address'; message: string }

export class ConnectionLimiter {
  private readonly perAddress = new Map<string, number>()
  private total = 0
  readonly limits: ConnectionLimits

  constructor(limits: Partial<ConnectionLimits> = {}) {
    this.limits = { ...DEFAULT_CONNECTION_LIMITS, ...limits }
    if (this.limits.maxTotal < 1 || this.limits.maxPerAddress < 1) {
      throw new RangeError('connection limits must be at least 1')
    }
  }

  admit(address: string | undefined): AdmitResult {
    const key = addressKey(address)
    if (this.total >= this.limits.maxTotal) {
      return {
        admitted: false,
        reason: 'total',
        message: `server is at its limit of ${this.limits.maxTotal} connections`,
      }
    }
    const current = this.perAddress.get(key) ?? 0
    if (current >= this.limits.maxPerAddress) {
      return {
        admitted: false,
        reason: 'address',
        message: `too many connections from ${key} (limit ${this.limits.maxPerAddress})`,
      }
    }
    this.perAddress.set(key, current + 1)
    this.total += 1
    let released = false
    return {
      admitted: true,
      lease: {
        key,
        release: () => {
          if (released) return
          released = true
          this.total -= 1
          const left = (this.perAddress.get(key) ?? 1) - 1
          if (left <= 0) this.perAddress.delete(key)
          else this.perAddress.set(key, left)
        },
      },
    }
  }

  get active(): number {
    return this.total
  }

  activeFrom(address: string | undefined): number {
    return this.perAddress.get(addressKey(address)) ?? 0
  }

  /** Number of distinct addresses tracked (equals the number with open connections). */
  get trackedAddresses(): number {
    return this.perAddress.size
  }
}
