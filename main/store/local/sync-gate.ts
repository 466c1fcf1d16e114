// Synchronous fs calls are several times cheaper than thread-pool round trips for small, cached files (measured
// on the 2-core target box: ~15 µs for realpath+open+fstat+read+close+hash, against ~70 µs per GET through the
// pool at 256 clients), but they block the event loop. The gate allows them only while they stay fast.
// It counts slow steps among the last few rather than averaging: on a busy machine a step now and then takes
// tens of ms of wall time just from being descheduled, while a slow disk (cold HDD, network share) is slow on
// nearly every call.
import { performance } from 'node:perf_hooks'

export interface SyncGateOptions {
  /** A step slower than this counts as slow. */
  slowMs: number
  /** Close when this many of the last `window` steps were slow. */
  slowCount: number
  window: number
  /** Close at once when a single step takes this long. */
  stallMs: number
  /** How long the gate stays closed before trying synchronous calls again. */
  backoffMs: number
}

export const DEFAULT_SYNC_GATE: SyncGateOptions = {
  slowMs: 2,
  slowCount: 12,
  window: 16,
  stallMs: 250,
  backoffMs: 10_000,
}

export class SyncGate {
  /** Called when the gate closes, with the reason (the server logs it). */
  onClose: ((why: string) => void) | null = null
  private disabledUntil = 0
  private readonly options: SyncGateOptions
  private readonly recent: boolean[]
  private next = 0
  private slow = 0

  constructor(
    private readonly allowed = true,
    options: Partial<SyncGateOptions> = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    this.options = { ...DEFAULT_SYNC_GATE, ...options }
    this.recent = new Array<boolean>(this.options.window).fill(false)
  }

  /** True when the next small operation may use synchronous calls. */
  get open(): boolean {
    if (!this.allowed) return false
    if (this.disabledUntil === 0) return true
    if (this.now() < this.disabledUntil) return false
    this.disabledUntil = 0
    this.recent.fill(false)
    this.slow = 0
    return true
  }

  /** Runs a synchronous step and closes the gate for a while if steps have become slow. */
  time<T>(step: () => T): T {
    const start = this.now()
    try {
      return step()
    } finally {
      this.record(start, this.now())
    }
  }

  private record(start: number, end: number): void {
    const took = end - start
    const { slowMs, slowCount, stallMs, backoffMs } = this.options
    const isSlow = took > slowMs
    if (this.recent[this.next]) this.slow--
    this.recent[this.next] = isSlow
    if (isSlow) this.slow++
    this.next = (this.next + 1) % this.recent.length
    if (took < stallMs && this.slow < slowCount) return
    this.disabledUntil = end + backoffMs
    const why =
      took >= stallMs ? `one took ${Math.round(took)} ms` : `${this.slow} of the last ${this.recent.length}`
    this.onClose?.(
      `synchronous small reads are slow (${why}); using the thread pool for ${backoffMs / 1000} s`,
    )
  }
}
