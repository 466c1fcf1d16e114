// One client session: frames in, requests processed strictly one at a time in arrival order (pipelining is
// allowed: decoded events wait in a bounded queue and the socket is paused when it fills), responses out.
// Also owns the idle timer and the ways a session ends (notice + close, or plain destroy mid-body).
import type net from 'node:net'
import { FerryError, type ErrorCode } from '../protocol/error-codes'
import { FrameDecoder, encodeHeader, type DecodedEvent, type FrameHeader } from '../protocol/frame-codec'
import { dispatchHeader, type BodySink, type Dispatcher, type SessionContext } from './dispatch'
import type { Upload } from './upload'
import type { ProgressWatch } from '../security/progress-monitor'

/** Pause reading when this many body bytes or events wait behind the request being processed. */
const QUEUE_HIGH_BYTES = 1024 * 1024
const QUEUE_HIGH_EVENTS = 1024
/** How long a closing notice may take to flush before the socket is destroyed anyway. */
const NOTICE_FLUSH_MS = 2000

export interface ConnectionInfo {
  id: string
  address: string
  connectedAt: number
  idleTimeoutMs: number
}

export class Connection implements Dispatcher {
  private readonly decoder = new FrameDecoder()
  private queue: DecodedEvent[] = []
  private queuedBytes = 0
  private busy = false
  private paused = false
  private closingReason: string | null = null
  private shuttingDown = false
  private lastActivity = Date.now()
  private idleTimer: NodeJS.Timeout
  private socketError: string | null = null
  /** Where the current frame's body goes (an upload, or nowhere after a refused request). */
  sink: BodySink | null = null
  /** A PUT answered ready whose DATA has not started yet. */
  pendingUpload: Upload | null = null
  /** Op of the request being processed: a GET mid-body cannot be interrupted by a notice. */
  activeOp: string | null = null
  private isAuthed: boolean
  /** Slowloris guard: header deadline, minimum body rate, AUTH deadline, drain timeout. */
  private readonly watch: ProgressWatch

  constructor(
    private readonly socket: net.Socket,
    readonly ctx: SessionContext,
    readonly info: ConnectionInfo,
    onClose: (connection: Connection, reason: string) => void,
  ) {
    this.isAuthed = ctx.verifier === null
    this.watch = ctx.progress.watch((err) =>
      this.closeWith(err.code, err.message, `slow peer: ${err.message}`, { force: true }),
    )
    if (!this.isAuthed) {
      this.watch.setDeadline(ctx.authTimeoutMs, `no AUTH within ${Math.round(ctx.authTimeoutMs / 1000)} s`)
    }
    this.idleTimer = setTimeout(() => this.checkIdle(), info.idleTimeoutMs)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('drain', () => this.touch())
    socket.on('error', (err: Error & { code?: string }) => {
      this.socketError ??= err.code ?? err.message
    })
    socket.on('close', () => {
      clearTimeout(this.idleTimer)
      this.watch.stop()
      this.queue = []
      // A dropped upload keeps what it received, for a resume on a new connection.
      const dropped = new FerryError('CONNECTION_CLOSED', 'the connection closed mid-upload')
      this.sink?.abort(dropped)
      this.sink = null
      this.pendingUpload?.abandon(dropped)
      this.pendingUpload = null
      const reason =
        this.closingReason ??
        (this.socketError ? `connection error: ${this.socketError}` : 'closed by the client')
      onClose(this, reason)
    })
  }

  get authed(): boolean {
    return this.isAuthed
  }

  set authed(value: boolean) {
    this.isAuthed = value
    if (value) this.watch.clearDeadline()
  }

  get peerAddress(): string | undefined {
    return this.socket.remoteAddress
  }

  get clientId(): string {
    return this.info.id
  }

  get closed(): boolean {
    return this.closingReason !== null || this.socket.destroyed
  }

  /** True while a transfer or a request is in progress; such a session is never idle and gets its grace. */
  get inTransfer(): boolean {
    return this.busy || this.sink !== null || this.pendingUpload !== null
  }

  send(header: FrameHeader, body?: Buffer): void {
    if (this.closed) return
    const head = encodeHeader(header)
    this.socket.write(body && body.length > 0 ? Buffer.concat([head, body]) : head)
  }

  write(data: Buffer, onReleased?: () => void): boolean {
    if (this.closed) return false
    return onReleased ? this.socket.write(data, () => onReleased()) : this.socket.write(data)
  }

  drained(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false)
    this.watch.setWaitingForDrain(true)
    return new Promise((resolve) => {
      const finish = (ok: boolean): void => {
        this.watch.setWaitingForDrain(false)
        this.socket.off('drain', onDrain)
        this.socket.off('close', onClose)
        resolve(ok && !this.closed)
      }
      const onDrain = (): void => finish(true)
      const onClose = (): void => finish(false)
      this.socket.on('drain', onDrain)
      this.socket.on('close', onClose)
    })
  }

  destroy(reason: string): void {
    this.closingReason ??= reason
    this.socket.destroy()
  }

  pauseReading(): void {
    if (this.paused || this.closed) return
    this.paused = true
    this.watch.setReading(false)
    this.socket.pause()
  }

  /** Ends the session on the server's initiative: a notice (unless mid-body, where it would be misread), then close. */
  closeWith(code: ErrorCode, message: string, reason: string, options: { force?: boolean } = {}): void {
    if (this.closingReason !== null || this.socket.destroyed) return
    this.closingReason = reason
    this.queue = []
    const midBody = this.activeOp === 'GET' && this.busy
    const notice = midBody ? null : encodeHeader({ type: 'notice', error: { code, message } })
    if (options.force) {
      if (notice) this.socket.write(notice)
      this.socket.destroy()
      return
    }
    if (notice) this.socket.write(notice)
    this.socket.end(() => this.socket.destroy())
    // A peer that never reads would keep the notice (and the socket) forever.
    setTimeout(() => this.socket.destroy(), NOTICE_FLUSH_MS).unref()
    if (this.paused) this.socket.resume()
  }

  /** Graceful server stop: close now if nothing is in progress, else after the current transfer. */
  shutdown(): void {
    this.shuttingDown = true
    if (!this.inTransfer)
      this.closeWith('SHUTTING_DOWN', 'the server is shutting down', 'server shutting down')
  }

  private touch(): void {
    this.lastActivity = Date.now()
  }

  private checkIdle(): void {
    if (this.closed) return
    const now = Date.now()
    // A request in progress counts as activity: a long download waiting on a slow reader is not idle.
    if (this.busy) this.lastActivity = now
    const idleFor = now - this.lastActivity
    if (idleFor >= this.info.idleTimeoutMs) {
      const seconds = Math.round(this.info.idleTimeoutMs / 100) / 10
      this.closeWith('TIMEOUT', `idle for more than ${seconds} s`, 'idle timeout')
      return
    }
    this.idleTimer = setTimeout(() => this.checkIdle(), this.info.idleTimeoutMs - idleFor)
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return
    this.lastActivity = Date.now()
    let events: DecodedEvent[]
    try {
      events = this.decoder.push(chunk)
    } catch (err: unknown) {
      const message = err instanceof FerryError ? err.message : 'broken framing'
      // The decoder's own code (PROTOCOL, or TOO_LARGE for an over-size header, as docs/SECURITY.md says).
      const code = err instanceof FerryError ? err.code : 'PROTOCOL'
      this.closeWith(code, message, `protocol error: ${message}`)
      return
    }
    const phase = this.decoder.inBody ? 'body' : this.decoder.inHeader ? 'header' : 'between'
    this.watch.received(chunk.length, phase, events.filter((e) => e.kind === 'header').length)
    for (const event of events) {
      this.queue.push(event)
      if (event.kind === 'body') this.queuedBytes += event.chunk.length
    }
    if (!this.busy) this.pump()
    if (this.queuedBytes > QUEUE_HIGH_BYTES || this.queue.length > QUEUE_HIGH_EVENTS) this.pauseReading()
  }

  private pump(): void {
    // Pipelined requests answered in one go leave in one writev instead of a write per response.
    const corked = this.queue.length > 1 && !this.closed
    if (corked) this.socket.cork()
    try {
      this.drainQueue()
    } finally {
      if (corked) this.socket.uncork()
    }
    if (this.closed) return
    if (!this.busy && this.shuttingDown && !this.inTransfer) {
      this.closeWith('SHUTTING_DOWN', 'the server is shutting down', 'server shutting down')
      return
    }
    if (this.paused && !this.busy && this.queue.length === 0) {
      this.paused = false
      this.watch.setReading(true)
      this.socket.resume()
    }
  }

  private drainQueue(): void {
    while (!this.busy && this.queue.length > 0 && !this.closed) {
      const event = this.queue.shift()!
      if (event.kind === 'body') this.queuedBytes -= event.chunk.length
      let step: Promise<void> | void
      try {
        step = this.handle(event)
      } catch (err: unknown) {
        this.internalError(err)
        return
      }
      // A peer that pipelines requests but does not read its responses must not grow our write buffer.
      if (!step && this.socket.writableNeedDrain) step = this.drained().then(() => undefined)
      if (step) {
        this.busy = true
        step.then(
          () => this.afterStep(),
          (err: unknown) => this.internalError(err),
        )
      }
    }
  }

  private afterStep(): void {
    if (this.socket.writableNeedDrain && !this.closed) {
      void this.drained().then(() => this.afterStep())
      return
    }
    this.busy = false
    this.activeOp = null
    this.touch()
    this.pump()
  }

  private handle(event: DecodedEvent): Promise<void> | void {
    if (event.kind === 'header') return dispatchHeader(this, event.header)
    const sink = this.sink
    if (!sink) return
    if (event.kind === 'body') return sink.write(this, event.chunk)
    this.sink = null
    return sink.end(this)
  }

  /** A bug, not a client mistake: log it and drop this session only. */
  private internalError(err: unknown): void {
    this.busy = false
    const message = err instanceof Error ? err.message : String(err)
    this.ctx.events.log('error', `session ${this.info.id}: ${message}`)
    this.closeWith('INTERNAL', 'internal server error', `internal error: ${message}`)
  }
}
