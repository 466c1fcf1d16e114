// One client connection: a socket, an incremental decoder and a pull queue of decoded events. Requests are run
// one at a time by FerryClient; this class only sends frames, hands out responses in order, pauses the socket
// while its consumer is behind (backpressure) and fails every waiter with one FerryError. See handshake.ts.
import type net from 'node:net'
import type { z } from 'zod'
import { FerryError, fromSystemError } from '../protocol/error-codes'
import { FrameDecoder, encodeHeader, type DecodedEvent, type FrameHeader } from '../protocol/frame-codec'
import { FailureSchema, NoticeSchema, describeIssues, type Hello } from '../protocol/messages'
import { fastParseResponse } from './fast-response'

/** Pause the socket while this many body bytes wait for the consumer; resume below the low mark. */
const QUEUE_HIGH_BYTES = 1024 * 1024
const QUEUE_LOW_BYTES = 256 * 1024
/** How long a polite close may take before the socket is destroyed. */
const CLOSE_GRACE_MS = 1000
/** Bodies up to this size are copied behind their header so a small request is a single write. */
const SMALL_BODY_BYTES = 64 * 1024

/** Errors the server answered with (ok:false): the connection is still in step and stays usable. */
const refusals = new WeakSet<FerryError>()

export function isServerRefusal(err: unknown): boolean {
  return err instanceof FerryError && refusals.has(err)
}

type Waiter = { resolve: (event: DecodedEvent) => void; reject: (err: FerryError) => void }
export type CloseListener = (connection: Connection, reason: FerryError | null) => void

export class Connection {
  hello!: Hello
  /** SHA-256 fingerprint of the server's certificate when the connection is TLS (already verified). */
  tlsFingerprint: string | null = null
  /** Non-notice headers received so far: tells a request whether the server answered anything at all. */
  responses = 0
  lastActivity = Date.now()
  private readonly decoder = new FrameDecoder()
  private queue: DecodedEvent[] = []
  private queuedBodyBytes = 0
  private waiter: Waiter | null = null
  private drainWaiter: { resolve: () => void; reject: (err: FerryError) => void } | null = null
  private failure: FerryError | null = null
  private closedByUs = false
  private paused = false
  private busy = true
  private nextId = 1
  private idleTimer: NodeJS.Timeout | null = null

  private constructor(
    /** Exposed for diagnostics and tests (backpressure); the class owns it. */
    readonly socket: net.Socket,
    private readonly where: string,
    private readonly onClose: CloseListener,
  ) {
    let socketError: unknown = null
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('drain', () => this.wakeWriter())
    socket.on('error', (err: Error) => {
      socketError ??= err
    })
    socket.on('close', () => {
      if (this.idleTimer) clearTimeout(this.idleTimer)
      const reason = socketError
        ? socketFailure(socketError, where)
        : new FerryError('CONNECTION_CLOSED', `${where} closed the connection`)
      this.fail(reason)
      this.onClose(this, this.closedByUs ? null : this.failure)
    })
  }

  /** Wraps a freshly connecting socket; handshake.ts greets and authenticates it before anyone else uses it. */
  static attach(socket: net.Socket, where: string, onClose: CloseListener): Connection {
    return new Connection(socket, where, onClose)
  }

  get failed(): boolean {
    return this.failure !== null || this.closedByUs
  }

  /** True once the connection sat idle for nearly the server's budget: it is about to be closed anyway. */
  get stale(): boolean {
    return !this.busy && Date.now() - this.lastActivity >= idleBudget(this.hello.idleTimeoutMs)
  }

  /** True when a response (or a failure) is waiting: an upload stops sending its body. */
  get hasIncoming(): boolean {
    return this.queue.length > 0 || this.failure !== null
  }

  /** Body bytes received but not yet taken by the consumer (bounded by the pause threshold plus one read). */
  get bufferedBodyBytes(): number {
    return this.queuedBodyBytes
  }

  newId(): number {
    return this.nextId++
  }

  begin(): void {
    this.busy = true
  }

  /** Ends an exchange. Leftover events mean the server sent more than was asked: the framing is not trusted. */
  end(): void {
    this.busy = false
    this.lastActivity = Date.now()
    if (this.failure) return
    if (this.queue.length > 0) {
      this.failWith('PROTOCOL', 'server sent an unexpected message')
      return
    }
    // One timer, re-armed lazily, rather than one per request: the perf path runs thousands per second.
    if (!this.idleTimer) this.armIdleTimer(idleBudget(this.hello.idleTimeoutMs))
  }

  /** The client keeps its own idle budget, just under the server's, so the server never has to cut it off. */
  private armIdleTimer(ms: number): void {
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null
      if (this.failure || this.closedByUs || this.busy) return // end() re-arms after a busy spell
      const idle = Date.now() - this.lastActivity
      const budget = idleBudget(this.hello.idleTimeoutMs)
      if (idle >= budget) void this.close()
      else this.armIdleTimer(budget - idle)
    }, ms)
    this.idleTimer.unref()
  }

  /**
   * Writes raw bytes (header, header+body, body chunk); false means wait for writable(). `onReleased` runs once
   * the socket no longer needs `data` (sent, or the write failed), so its buffer may be reused.
   */
  write(data: Buffer, onReleased?: () => void): boolean {
    this.lastActivity = Date.now()
    return onReleased ? this.socket.write(data, () => onReleased()) : this.socket.write(data)
  }

  /** Resolves on 'drain' or when a response arrives early; rejects when the connection fails. */
  writable(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    if (this.queue.length > 0) return Promise.resolve()
    return new Promise((resolve, reject) => {
      this.drainWaiter = { resolve, reject }
    })
  }

  /** The next decoded event, in order; rejects with the connection's failure once the queue is empty. */
  next(): Promise<DecodedEvent> {
    const event = this.queue.shift()
    if (event) {
      if (event.kind === 'body') {
        this.queuedBodyBytes -= event.chunk.length
        if (this.paused && this.queuedBodyBytes <= QUEUE_LOW_BYTES) {
          this.paused = false
          this.socket.resume()
        }
      }
      return Promise.resolve(event)
    }
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject }
    })
  }

  /** Sends one request without a body and validates its single response. */
  async request<T extends { re: number }>(fields: FrameHeader, schema: z.ZodType<T>): Promise<T> {
    const id = this.newId()
    this.write(encodeHeader({ ...fields, id }))
    return this.parse(await this.next(), id, schema, false)
  }

  /**
   * Validates a response header: failures reject with the server's code (the connection survives); anything
   * malformed, out of order or with an unexpected body is PROTOCOL and closes the connection.
   */
  parse<T extends { re: number }>(
    event: DecodedEvent,
    id: number,
    schema: z.ZodType<T>,
    withBody: boolean,
  ): T {
    if (event.kind !== 'header') throw this.failWith('PROTOCOL', 'server sent body bytes out of turn')
    const header = event.header
    if (header['ok'] === false) {
      const failure = FailureSchema.safeParse(header)
      if (!failure.success)
        throw this.failWith('PROTOCOL', `invalid failure: ${describeIssues(failure.error)}`)
      if (failure.data.re !== id)
        throw this.failWith('PROTOCOL', `response to ${failure.data.re}, expected ${id}`)
      if (header['body'] !== undefined) throw this.failWith('PROTOCOL', 'failure with a body')
      const refusal = new FerryError(failure.data.error.code, failure.data.error.message)
      refusals.add(refusal)
      throw refusal
    }
    const fast = fastParseResponse(schema, header) as T | null
    const parsed = fast !== null ? { success: true as const, data: fast } : schema.safeParse(header)
    if (!parsed.success) throw this.failWith('PROTOCOL', `invalid response: ${describeIssues(parsed.error)}`)
    if (parsed.data.re !== id)
      throw this.failWith('PROTOCOL', `response to ${parsed.data.re}, expected ${id}`)
    if (!withBody && header['body'] !== undefined) throw this.failWith('PROTOCOL', 'unexpected body')
    return parsed.data
  }

  /** Fails the connection with a code and returns the error to throw. */
  failWith(code: FerryError['code'], message: string): FerryError {
    const err = new FerryError(code, code === 'PROTOCOL' ? `${this.where}: ${message}` : message)
    this.fail(err)
    return err
  }

  /** Destroys the socket; every pending and later wait rejects with `reason`. */
  destroy(reason: FerryError): void {
    this.fail(reason)
  }

  /** Polite close: FIN, then destroy if the peer does not close within a second. Mid-exchange: destroy now. */
  close(): Promise<void> {
    this.closedByUs = true
    if (this.socket.destroyed) return Promise.resolve()
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()))
    if (this.busy) {
      this.fail(new FerryError('CONNECTION_CLOSED', 'the client was closed'))
      return closed
    }
    if (this.idleTimer) clearTimeout(this.idleTimer)
    const timer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS)
    timer.unref()
    this.socket.end()
    return closed.then(() => clearTimeout(timer))
  }

  /** Sends a header and its body as one write (small bodies) or one corked batch (large ones). */
  writeFrame(header: FrameHeader, body: Buffer): boolean {
    const head = encodeHeader(header)
    if (body.length <= SMALL_BODY_BYTES)
      return this.write(body.length > 0 ? Buffer.concat([head, body]) : head)
    this.socket.cork()
    this.write(head)
    const flushed = this.write(body)
    this.socket.uncork()
    return flushed
  }

  private onData(chunk: Buffer): void {
    if (this.failure || this.closedByUs) return
    this.lastActivity = Date.now()
    let events: DecodedEvent[]
    try {
      events = this.decoder.push(chunk)
    } catch (err: unknown) {
      const message = err instanceof Error ? err.message : String(err)
      this.failWith('PROTOCOL', `broken framing: ${message}`)
      return
    }
    for (const event of events) {
      if (event.kind === 'header') {
        if (event.header['type'] === 'notice') {
          this.onNotice(event.header)
          return
        }
        if (!this.busy) {
          this.failWith('PROTOCOL', 'server sent a message nobody asked for')
          return
        }
        this.responses++
      }
      this.deliver(event)
    }
    if (!this.paused && this.queuedBodyBytes > QUEUE_HIGH_BYTES) {
      this.paused = true
      this.socket.pause()
    }
  }

  private onNotice(header: FrameHeader): void {
    const notice = NoticeSchema.safeParse(header)
    if (!notice.success) {
      this.failWith('PROTOCOL', `invalid notice: ${describeIssues(notice.error)}`)
      return
    }
    this.fail(new FerryError(notice.data.error.code, notice.data.error.message))
  }

  private deliver(event: DecodedEvent): void {
    const waiter = this.waiter
    if (waiter && this.queue.length === 0) {
      this.waiter = null
      waiter.resolve(event)
    } else {
      this.queue.push(event)
      if (event.kind === 'body') this.queuedBodyBytes += event.chunk.length
    }
    this.wakeWriter()
  }

  private wakeWriter(): void {
    const drain = this.drainWaiter
    this.drainWaiter = null
    drain?.resolve()
  }

  private fail(err: FerryError): void {
    if (this.failure) return
    this.failure = err
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.socket.destroy()
    // Queued events stay readable (a response that arrived before the failure); waiters only exist when empty.
    const waiter = this.waiter
    this.waiter = null
    waiter?.reject(err)
    const drain = this.drainWaiter
    this.drainWaiter = null
    drain?.reject(err)
  }
}

/** Closes a little before the server would, so an idle close is always the client's own, quiet one. */
function idleBudget(idleTimeoutMs: number): number {
  return Math.max(1, idleTimeoutMs - Math.min(2000, Math.floor(idleTimeoutMs / 10)))
}

/** Socket errors after connect all mean the link is gone; keep the cause, use one retryable code. */
function socketFailure(err: unknown, where: string): FerryError {
  const mapped = fromSystemError(err, where)
  if (mapped.code === 'CONNECTION_FAILED') return mapped
  if (mapped.code === 'INTERNAL' || mapped.code === 'TIMEOUT') {
    return new FerryError('CONNECTION_CLOSED', mapped.message, { cause: err })
  }
  return mapped
}
