// The hosted server's transfer events, summed up for the host view. The server reports every file it moves
// (started, progress, done), which for a folder job of 10,000 small files means 20,000 events and 10,000 log
// lines. Here a transfer is shown on its own only when it lasts: a file of SHOWN_FROM_BYTES or more at once,
// another once it reports progress or is still going after VISIBLE_AFTER_MS. The others, small files settling quickly, are counted per client and direction into one
// running summary (one activity entry, `files` set) that is updated about once a second with a log line, and
// closed once that client has been quiet for QUIET_MS. A lone small file still reads as before: its own entry
// and log line.
import type { HostEvent } from '../../preload/api'
import { formatBytes } from '../cli/format'
import { parentPath } from '../protocol/paths'

type TransferEvent = Extract<HostEvent, { type: 'transfer' }>
/** A transfer event as the server emits it. */
export type ServerTransfer = Omit<TransferEvent, 'type' | 'files'>

/** Files this big take a while even on loopback: shown from their start. */
export const SHOWN_FROM_BYTES = 16 * 1024 * 1024
export const VISIBLE_AFTER_MS = 1000
export const SUMMARY_MS = 1000
export const QUIET_MS = 500
const TICK_MS = 250
/** Failed small files of one summary logged one by one; the rest are only counted. */
const FAILURE_LINES = 5

export interface DigestOutput {
  emit(event: HostEvent): void
  log(level: 'info' | 'warn', message: string): void
}

interface Pending {
  event: ServerTransfer
  at: number
  visible: boolean
}

interface Burst {
  first: ServerTransfer
  /** The first file's start, shown with its end when it stays alone. */
  firstStarted: ServerTransfer | null
  /** Common folder of its files. */
  folder: string
  settled: number
  failed: number
  bytes: number
  startedAt: number
  lastAt: number
  reported: number
  reportedAt: number
  loggedAt: number
}

const count = (n: number) => n.toLocaleString('en-US')

export class TransferDigest {
  private readonly pending = new Map<string, Pending>()
  private readonly bursts = new Map<string, Burst>()
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly out: DigestOutput,
    private readonly now: () => number = Date.now,
  ) {}

  push(event: ServerTransfer): void {
    const key = `${event.clientId}\n${event.direction}\n${event.path}`
    if (event.state === 'started') {
      const visible = event.total >= SHOWN_FROM_BYTES
      this.pending.set(key, { event, at: this.now(), visible })
      if (visible) this.out.emit({ type: 'transfer', ...event })
      else this.arm()
      return
    }
    const pending = this.pending.get(key)
    if (event.state === 'progress') {
      // Progress means it lasts (the server reports it at most every 250 ms): shown from now on, start first.
      if (pending && !pending.visible) this.out.emit({ type: 'transfer', ...pending.event })
      this.pending.set(key, { event, at: pending?.at ?? this.now(), visible: true })
      this.out.emit({ type: 'transfer', ...event })
      return
    }
    this.pending.delete(key)
    if (pending?.visible) this.settleAlone(event)
    else this.addToBurst(event, pending?.event ?? null)
  }

  /** A client went away: what it had going is over (the server reports no end for it). */
  clientLeft(clientId: string): void {
    for (const [key, p] of this.pending) if (p.event.clientId === clientId) this.pending.delete(key)
    for (const [key, burst] of this.bursts) {
      if (burst.first.clientId !== clientId) continue
      this.bursts.delete(key)
      this.closeBurst(burst)
    }
  }

  /** Hosting stopped: open summaries are closed, nothing more is reported. */
  close(): void {
    const bursts = [...this.bursts.values()]
    this.bursts.clear()
    this.pending.clear()
    for (const burst of bursts) this.closeBurst(burst)
    this.disarm()
  }

  /** Shows transfers that turned out to last, reports and closes summaries; runs every TICK_MS while needed. */
  tick(): void {
    const now = this.now()
    for (const p of this.pending.values()) {
      if (p.visible || now - p.at < VISIBLE_AFTER_MS) continue
      p.visible = true
      this.out.emit({ type: 'transfer', ...p.event })
    }
    for (const [key, burst] of this.bursts) {
      if (now - burst.lastAt >= QUIET_MS) {
        this.bursts.delete(key)
        this.closeBurst(burst)
      } else if (burst.settled > 1 && burst.settled > burst.reported) {
        if (burst.reported === 0 || now - burst.reportedAt >= SUMMARY_MS) this.report(burst, now)
      }
    }
    if (this.pending.size === 0 && this.bursts.size === 0) this.disarm()
  }

  private addToBurst(event: ServerTransfer, started: ServerTransfer | null): void {
    const key = `${event.clientId}\n${event.direction}`
    const now = this.now()
    const folder = parentPath(event.path)
    const burst = this.bursts.get(key)
    if (!burst) {
      this.bursts.set(key, {
        first: event,
        firstStarted: started,
        folder,
        settled: 0,
        failed: 0,
        bytes: 0,
        startedAt: now,
        lastAt: now,
        reported: 0,
        reportedAt: 0,
        loggedAt: now,
      })
      this.arm()
    }
    const b = burst ?? this.bursts.get(key)!
    b.folder = commonFolder(b.folder, folder)
    b.settled++
    b.bytes += event.bytes
    b.lastAt = now
    if (event.state === 'failed') {
      b.failed++
      // Failures are worth a line of their own at once (a few per summary; the summary counts them all).
      if (b.failed <= FAILURE_LINES) this.logOutcome(event)
    }
  }

  private report(burst: Burst, now: number): void {
    burst.reported = burst.settled
    burst.reportedAt = now
    this.out.emit(this.summary(burst, 'progress'))
    if (now - burst.loggedAt < SUMMARY_MS) return
    burst.loggedAt = now
    this.out.log('info', `${this.describe(burst)} so far`)
  }

  private closeBurst(burst: Burst): void {
    if (burst.settled === 1) {
      // A lone file, as if it had been shown on its own (its failure was logged when it came).
      if (burst.firstStarted) this.out.emit({ type: 'transfer', ...burst.firstStarted })
      this.out.emit({ type: 'transfer', ...burst.first })
      if (burst.first.state === 'done') this.logOutcome(burst.first)
      return
    }
    this.out.emit(this.summary(burst, 'done'))
    const failures = burst.failed > 0 ? `, ${count(burst.failed)} failed` : ''
    this.out.log(burst.failed > 0 ? 'warn' : 'info', `${this.describe(burst)}${failures}`)
  }

  private summary(burst: Burst, state: 'progress' | 'done'): HostEvent {
    const { clientId, direction } = burst.first
    const { folder: path, bytes, settled, failed } = burst
    return {
      type: 'transfer',
      clientId,
      direction,
      path,
      state,
      bytes,
      total: bytes,
      files: { settled, failed },
    }
  }

  private describe(burst: Burst): string {
    const verb = burst.first.direction === 'upload' ? 'uploaded' : 'downloaded'
    return `client ${burst.first.clientId}: ${count(burst.settled)} files ${verb} in /${burst.folder} (${formatBytes(burst.bytes)})`
  }

  /** A transfer shown on its own ends as before: its event and its own log line. */
  private settleAlone(event: ServerTransfer): void {
    this.out.emit({ type: 'transfer', ...event })
    this.logOutcome(event)
  }

  private logOutcome(t: ServerTransfer): void {
    if (t.state === 'done') this.out.log('info', `${t.direction} of /${t.path} done (${t.bytes} bytes)`)
    if (t.state === 'failed') {
      const why = t.error ? `${t.error.code}: ${t.error.message}` : 'unknown error'
      this.out.log('warn', `${t.direction} of /${t.path} failed: ${why}`)
    }
  }

  private arm(): void {
    if (this.timer) return
    this.timer = setInterval(() => this.tick(), TICK_MS)
    // Summaries must not keep a CLI or test process alive.
    this.timer.unref()
  }

  private disarm(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }
}

/** The deepest folder both are in ('' is the share root). */
export function commonFolder(a: string, b: string): string {
  if (a === b) return a
  const left = a === '' ? [] : a.split('/')
  const right = b === '' ? [] : b.split('/')
  let n = 0
  while (n < left.length && n < right.length && left[n] === right[n]) n++
  return left.slice(0, n).join('/')
}
