// Throttled progress with a smoothed rate. Positions jump (resume offsets, the next file of a tree) without
// counting as throughput, so a resumed transfer does not report an absurd first rate.
export interface Progress {
  bytes: number
  total: number
  /** Bytes per second, exponentially smoothed over about a second. */
  rate: number
}

export const DEFAULT_PROGRESS_INTERVAL_MS = 100
/** Time constant of the rate smoothing: older samples weigh e^(-dt/tau). */
const RATE_TAU_MS = 1000

export class ProgressMeter {
  private position = 0
  private lastAt: number
  private lastPosition = 0
  private rate = 0
  private hasRate = false
  private readonly startedAt: number
  private moved = 0

  constructor(
    private readonly listener: ((p: Progress) => void) | undefined,
    public total = 0,
    private readonly intervalMs = DEFAULT_PROGRESS_INTERVAL_MS,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.startedAt = clock()
    this.lastAt = this.startedAt
  }

  get bytes(): number {
    return this.position
  }

  /** Sets the position without counting the difference as transferred (already present, or restarted). */
  jump(position: number): void {
    this.position = position
    this.lastPosition = position
  }

  advance(n: number): void {
    this.position += n
    this.moved += n
    if (!this.listener) return
    const now = this.clock()
    if (now - this.lastAt >= this.intervalMs) this.emit(now)
  }

  /** The final call, whatever the throttle says. */
  finish(): void {
    if (!this.listener) return
    const now = this.clock()
    if (!this.hasRate) {
      const seconds = (now - this.startedAt) / 1000
      this.rate = seconds > 0 ? this.moved / seconds : 0
      this.hasRate = true
      this.lastAt = now
      this.lastPosition = this.position
      this.listener({ bytes: this.position, total: this.total, rate: this.rate })
      return
    }
    this.emit(now)
  }

  private emit(now: number): void {
    const dt = now - this.lastAt
    if (dt > 0) {
      const instant = ((this.position - this.lastPosition) * 1000) / dt
      const alpha = this.hasRate ? 1 - Math.exp(-dt / RATE_TAU_MS) : 1
      this.rate = Math.max(0, alpha * instant + (1 - alpha) * this.rate)
      this.hasRate = true
    }
    this.lastAt = now
    this.lastPosition = this.position
    this.listener?.({ bytes: this.position, total: this.total, rate: this.rate })
  }
}
