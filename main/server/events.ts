// Event shapes a FerryServer emits (the host UI and the CLI subscribe to them), plus the throttled reporter that
// turns a transfer's byte count into 'started' / 'progress' / 'done' / 'failed' events.
import type { ErrorCode } from '../protocol/error-codes'
import { FerryError, fromSystemError } from '../protocol/error-codes'

export interface ClientInfo {
  id: string
  address: string
  connectedAt: number
  idleTimeoutMs: number
}

export interface TransferEvent {
  clientId: string
  direction: 'upload' | 'download'
  path: string
  state: 'started' | 'progress' | 'done' | 'failed'
  bytes: number
  total: number
  error?: { code: ErrorCode; message: string }
}

export interface LogEvent {
  level: 'info' | 'warn' | 'error'
  message: string
  time: number
}

export interface ServerEvents {
  'client-connected': ClientInfo
  'client-left': { id: string; reason: string }
  transfer: TransferEvent
  log: LogEvent
}

/** The same events in the tuple form node:events' typed EventEmitter expects. */
export type ServerEventMap = { [K in keyof ServerEvents]: [ServerEvents[K]] }

/** Emits one transfer's events; what the sessions need from the server, so they do not hold the server itself. */
export interface EventSink {
  emitTransfer(event: TransferEvent): void
  /** True when someone listens to 'transfer': lets hot paths skip building events nobody reads. */
  readonly wantsTransfers: boolean
  log(level: LogEvent['level'], message: string): void
}

export const PROGRESS_INTERVAL_MS = 250

export class TransferReporter {
  private lastProgressAt = 0
  private finished = false

  constructor(
    private readonly sink: EventSink,
    private readonly base: Pick<TransferEvent, 'clientId' | 'direction' | 'path' | 'total'>,
  ) {}

  started(bytes: number): void {
    this.lastProgressAt = Date.now()
    this.emit('started', bytes)
  }

  /** Throttled: at most one event per PROGRESS_INTERVAL_MS. */
  progress(bytes: number): void {
    if (!this.sink.wantsTransfers) return
    const now = Date.now()
    if (now - this.lastProgressAt < PROGRESS_INTERVAL_MS) return
    this.lastProgressAt = now
    this.emit('progress', bytes)
  }

  done(bytes: number): void {
    if (this.finished) return
    this.finished = true
    this.emit('done', bytes)
  }

  failed(bytes: number, err: unknown): void {
    if (this.finished) return
    this.finished = true
    const ferry = err instanceof FerryError ? err : fromSystemError(err, this.base.path)
    this.emit('failed', bytes, { code: ferry.code, message: ferry.message })
  }

  private emit(state: TransferEvent['state'], bytes: number, error?: TransferEvent['error']): void {
    if (!this.sink.wantsTransfers) return
    this.sink.emitTransfer({ ...this.base, state, bytes, ...(error ? { error } : {}) })
  }
}
