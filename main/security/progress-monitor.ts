// Slowloris guard. The idle timeout only catches a peer that sends nothing; these rules catch one that sends
// just enough to look alive: a frame header must be complete soon after its first byte, a body must keep
// arriving at a minimum rate while we are reading it, a deadline can be set for a step (the AUTH frame), and a
// peer that stops reading what we send is dropped once a write has waited too long for 'drain'.
// One shared timer sweeps every watched connection, so 20,000 connections cost one timer, not 20,000.
import { FerryError } from '../protocol/error-codes'

export interface ProgressPolicy {
  /** A frame header must be complete within this time of its first byte. */
  headerTimeoutMs: number
  /** While a body arrives and we read it, at least minBodyBytes must come in every progressWindowMs. */
  minBodyBytes: number
  progressWindowMs: number
  /** A write waiting for 'drain' longer than this means the peer stopped reading. */
  drainTimeoutMs: number
}

export const DEFAULT_PROGRESS_POLICY: ProgressPolicy = {
  headerTimeoutMs: 15_000,
  minBodyBytes: 4096,
  progressWindowMs: 20_000,
  drainTimeoutMs: 120_000,
}

/** Where the incoming stream stands after the last chunk was decoded. */
export type InputPhase = 'between' | 'header' | 'body'

export interface MonitorOptions {
  now?: () => number
  /** Sweep interval; 0 disables the timer (tests call sweep() themselves). */
  tickMs?: number
}

export class ProgressMonitor {
  readonly policy: ProgressPolicy
  private readonly watches = new Set<ProgressWatch>()
  private readonly now: () => number
  private readonly tickMs: number
  private timer: NodeJS.Timeout | null = null

  constructor(policy: Partial<ProgressPolicy> = {}, options: MonitorOptions = {}) {
    this.policy = { ...DEFAULT_PROGRESS_POLICY, ...policy }
    this.now = options.now ?? Date.now
    // Sweep often enough for the shortest limit (tests use short ones), at most once per 25 ms.
    const shortest = Math.min(
      this.policy.headerTimeoutMs,
      this.policy.progressWindowMs,
      this.policy.drainTimeoutMs,
    )
    this.tickMs = options.tickMs ?? Math.max(25, Math.min(1000, Math.round(shortest / 4)))
  }

  /** Starts watching one connection; onViolation is called at most once, then the watch ends. */
  watch(onViolation: (err: FerryError) => void): ProgressWatch {
    const watch = new ProgressWatch(this, this.now, onViolation)
    this.watches.add(watch)
    if (!this.timer && this.tickMs > 0) {
      this.timer = setInterval(() => this.sweep(), this.tickMs)
      this.timer.unref()
    }
    return watch
  }

  sweep(now: number = this.now()): void {
    for (const watch of this.watches) {
      const err = watch.check(now, this.policy)
      if (err) {
        this.forget(watch)
        watch.fire(err)
      }
    }
  }

  get size(): number {
    return this.watches.size
  }

  /** @internal */
  forget(watch: ProgressWatch): void {
    this.watches.delete(watch)
    if (this.watches.size === 0 && this.timer) {
      clearInterval(this.timer)
      this.timer = null
    }
  }

  close(): void {
    this.watches.clear()
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }
}

export class ProgressWatch {
  private phase: InputPhase = 'between'
  private headerSince = 0
  private windowStart = 0
  private windowBytes = 0
  private reading = true
  private drainSince: number | null = null
  private deadline: { at: number; message: string } | null = null
  private done = false

  constructor(
    private readonly monitor: ProgressMonitor,
    private readonly now: () => number,
    private readonly onViolation: (err: FerryError) => void,
  ) {}

  /**
   * Call after each decoded chunk: `phase` is the decoder's state afterwards, `framesCompleted` how many
   * headers the chunk finished (a new partial header after a finished one restarts the header clock).
   */
  received(bytes: number, phase: InputPhase, framesCompleted = 0): void {
    const now = this.now()
    if (phase === 'header' && (this.phase !== 'header' || framesCompleted > 0)) this.headerSince = now
    if (phase === 'body' && this.phase !== 'body') {
      this.windowStart = now
      this.windowBytes = 0
    } else {
      this.windowBytes += bytes
    }
    this.phase = phase
  }

  /** False while we paused the socket ourselves (our sink is full): the peer is not to blame then. */
  setReading(reading: boolean): void {
    if (reading && !this.reading) {
      this.windowStart = this.now()
      this.windowBytes = 0
      if (this.phase === 'header') this.headerSince = this.windowStart
    }
    this.reading = reading
  }

  /** Call when a write returned false; call again with false on 'drain'. */
  setWaitingForDrain(waiting: boolean): void {
    this.drainSince = waiting ? (this.drainSince ?? this.now()) : null
  }

  /** A step that must finish within ms (e.g. AUTH after connecting); clear it when the step is done. */
  setDeadline(ms: number, message: string): void {
    this.deadline = { at: this.now() + ms, message }
  }

  clearDeadline(): void {
    this.deadline = null
  }

  stop(): void {
    this.done = true
    this.monitor.forget(this)
  }

  /** @internal */
  check(now: number, policy: ProgressPolicy): FerryError | null {
    if (this.deadline && now > this.deadline.at) return new FerryError('TIMEOUT', this.deadline.message)
    if (this.drainSince !== null && now - this.drainSince > policy.drainTimeoutMs) {
      return new FerryError('TIMEOUT', `peer read nothing for ${seconds(policy.drainTimeoutMs)}`)
    }
    if (!this.reading) return null
    if (this.phase === 'header' && now - this.headerSince > policy.headerTimeoutMs) {
      return new FerryError(
        'TIMEOUT',
        `request header not complete within ${seconds(policy.headerTimeoutMs)}`,
      )
    }
    if (this.phase === 'body' && now - this.windowStart >= policy.progressWindowMs) {
      if (this.windowBytes < policy.minBodyBytes) {
        return new FerryError(
          'TIMEOUT',
          `upload slower than ${policy.minBodyBytes} bytes per ${seconds(policy.progressWindowMs)}`,
        )
      }
      this.windowStart = now
      this.windowBytes = 0
    }
    return null
  }

  /** @internal */
  fire(err: FerryError): void {
    if (this.done) return
    this.done = true
    this.onViolation(err)
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`
}
