// Turns a decoded frame header into work: validate it against the protocol schema, enforce AUTH, route to the
// handler, and send the response (or the error response; the session survives anything but broken framing).
import { FerryError, fromSystemError, type ErrorCode } from '../protocol/error-codes'
import type { FrameHeader } from '../protocol/frame-codec'
import { REQUEST_OPS, RequestSchema, describeIssues, type Request } from '../protocol/messages'
import { fastParseRequest } from './fast-request'
import * as ops from './file-ops'
import { serveGet, type GetContext } from './get-stream'
import { serveBatch, type BatchContext } from './put-batch'
import { tree } from './tree-walk'
import { prepareUpload, type Upload, type UploadContext } from './upload'
import type { Wire } from './wire'
import type { ShareStore } from '../store/share-store'
import type { FailureLimiter } from '../security/failure-limiter'
import type { ProgressMonitor } from '../security/progress-monitor'
import type { RequestRateLimiter } from '../security/request-rate'
import type { TokenVerifier } from '../security/token'

export interface SessionContext extends ops.OpsContext, GetContext, UploadContext, BatchContext {
  /** The share: every handler reaches files only through it. */
  store: ShareStore
  /** Required AUTH token, or null when the share is open. */
  token: string | null
  /** Checks AUTH tokens in constant time (null when the share is open). */
  verifier: TokenVerifier | null
  /** Failed AUTH attempts per address: a locked-out address gets RATE_LIMITED without a check. */
  authFailures: FailureLimiter
  /** Slowloris guard shared by all sessions. */
  progress: ProgressMonitor
  /** An unauthenticated session must AUTH within this time. */
  authTimeoutMs: number
  /** Optional requests-per-second limit per address. */
  requestRate?: RequestRateLimiter
}

/** What the dispatcher needs from a session (implemented by Connection). */
export interface Dispatcher extends Wire {
  readonly ctx: SessionContext
  sink: BodySink | null
  pendingUpload: Upload | null
  activeOp: string | null
  authed: boolean
  /** The peer's IP address, the key of per-address limits. */
  readonly peerAddress: string | undefined
  send(header: FrameHeader, body?: Buffer): void
  pauseReading(): void
  closeWith(code: ErrorCode, message: string, reason: string): void
}

/** Receives the body of the current frame. */
export interface BodySink {
  write(session: Dispatcher, chunk: Buffer): Promise<void> | void
  end(session: Dispatcher): Promise<void> | void
  abort(reason: FerryError): void
}

const DISCARD: BodySink = { write: () => undefined, end: () => undefined, abort: () => undefined }

/** Collects a PUT_BATCH body (small, bounded by MAX_BATCH_BYTES and the server's batch budget), then serves it. */
class BatchSink implements BodySink {
  private readonly chunks: Buffer[] = []
  private released = false

  constructor(private readonly req: Extract<Request, { op: 'PUT_BATCH' }>) {}

  write(_session: Dispatcher, chunk: Buffer): void {
    this.chunks.push(chunk)
  }

  end(session: Dispatcher): Promise<void> {
    const body = Buffer.concat(this.chunks)
    this.chunks.length = 0
    return serveBatch(session.ctx, this.req, body)
      .then(
        (r) => session.send({ re: this.req.id, ok: true, ...r.header }, r.body),
        (err: unknown) => sendError(session, this.req.id, err),
      )
      .finally(() => this.release(session.ctx))
  }

  abort(): void {
    this.chunks.length = 0
  }

  release(ctx: SessionContext): void {
    if (this.released) return
    this.released = true
    ctx.batchBudget.give(this.req.body)
  }
}

class UploadSink implements BodySink {
  constructor(private readonly upload: Upload) {}

  write(session: Dispatcher, chunk: Buffer): Promise<void> | void {
    if (this.upload.write(chunk)) return
    session.pauseReading()
    return this.upload.drained()
  }

  end(session: Dispatcher): Promise<void> | void {
    this.upload.endBody()
    if (this.upload.streamed) {
      // The hash to check follows in DATA_END; until then the upload is pending like a ready PUT.
      session.pendingUpload = this.upload
      return
    }
    return finishUpload(session, this.upload)
  }

  abort(reason: FerryError): void {
    this.upload.abandon(reason)
  }
}

function finishUpload(session: Dispatcher, upload: Upload, expected?: string): Promise<void> {
  const id = upload.id
  return upload.finish(expected).then(
    (fields) => session.send({ re: id, ok: true, ...fields }),
    (err: unknown) => sendError(session, id, err),
  )
}

export function sendError(session: Dispatcher, id: number, err: unknown): void {
  const error = err instanceof FerryError ? err : fromSystemError(err, 'request')
  session.send({ re: id, ok: false, error: { code: error.code, message: error.message.slice(0, 4096) } })
}

function validId(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : null
}

/** Handles one frame header; returns a promise when the request completes asynchronously. */
export function dispatchHeader(session: Dispatcher, header: FrameHeader): Promise<void> | void {
  const hasBody = header['body'] !== undefined
  const fast = fastParseRequest(header)
  const parsed = fast ? { success: true as const, data: fast } : RequestSchema.safeParse(header)
  if (!parsed.success) {
    const id = validId(header['id'])
    if (id === null) {
      // Without an id the client cannot match an error response to anything.
      const message = `request without a valid id (${describeIssues(parsed.error)})`
      session.closeWith('PROTOCOL', message, `protocol error: ${message}`)
      return
    }
    if (hasBody) session.sink = DISCARD
    const op = header['op']
    const unknownOp = typeof op === 'string' && !(REQUEST_OPS as readonly string[]).includes(op)
    const code: ErrorCode = unknownOp ? 'UNSUPPORTED' : 'PROTOCOL'
    sendError(
      session,
      id,
      new FerryError(code, unknownOp ? `unknown op ${op}` : describeIssues(parsed.error)),
    )
    return
  }
  const req = parsed.data
  if (req.op === 'DATA') return startData(session, req)
  if (hasBody && req.op !== 'PUT_BATCH') {
    session.sink = DISCARD
    sendError(session, req.id, new FerryError('PROTOCOL', `${req.op} does not take a body`))
    return
  }
  if (req.op === 'DATA_END') return endData(session, req)
  if (!session.authed && req.op !== 'AUTH') {
    if (hasBody) session.sink = DISCARD
    sendError(session, req.id, new FerryError('AUTH_REQUIRED', 'send AUTH first'))
    return
  }
  if (session.ctx.requestRate && !session.ctx.requestRate.take(session.peerAddress)) {
    if (hasBody) session.sink = DISCARD
    sendError(
      session,
      req.id,
      new FerryError('RATE_LIMITED', 'too many requests from this address; slow down'),
    )
    return
  }
  const pending = session.pendingUpload
  if (pending) {
    // Any request but DATA ends a ready PUT; its partial stays for a resume.
    session.pendingUpload = null
    const abandoned = pending.abandon(new FerryError('CANCELLED', 'upload abandoned before its data'), {
      discard: req.op === 'CANCEL' && req.discard === true,
    })
    // CANCEL is answered once the partial is flushed (or discarded), so the client's next PUT sees its final state.
    if (req.op === 'CANCEL') return abandoned.then(() => route(session, req))
  }
  return route(session, req)
}

function startData(session: Dispatcher, req: Extract<Request, { op: 'DATA' }>): void {
  const upload = session.pendingUpload
  session.pendingUpload = null
  session.sink = DISCARD
  if (!upload || upload.id !== req.id || upload.awaitingTrailer) {
    upload?.abandon(new FerryError('PROTOCOL', 'DATA for another request'))
    sendError(session, req.id, new FerryError('PROTOCOL', 'DATA without a ready PUT of the same id'))
    return
  }
  if (req.body !== upload.expected) {
    const error = new FerryError(
      'SIZE_MISMATCH',
      `DATA carries ${req.body} bytes, expected ${upload.expected}`,
    )
    upload.abandon(error)
    sendError(session, req.id, error)
    return
  }
  session.sink = new UploadSink(upload)
}

/** The trailer of a streamed PUT: the SHA-256 its body must have. */
function endData(session: Dispatcher, req: Extract<Request, { op: 'DATA_END' }>): Promise<void> | void {
  const upload = session.pendingUpload
  session.pendingUpload = null
  if (!upload || upload.id !== req.id || !upload.awaitingTrailer) {
    upload?.abandon(new FerryError('PROTOCOL', 'DATA_END for another request'))
    const message = 'DATA_END without a streamed PUT of the same id whose DATA is complete'
    sendError(session, req.id, new FerryError('PROTOCOL', message))
    return
  }
  return finishUpload(session, upload, req.sha256)
}

function route(
  session: Dispatcher,
  req: Exclude<Request, { op: 'DATA' | 'DATA_END' }>,
): Promise<void> | void {
  const ctx = session.ctx
  session.activeOp = req.op
  const reply = (fields: Record<string, unknown>, body?: Buffer): void =>
    session.send({ re: req.id, ok: true, ...fields }, body)
  const fail = (err: unknown): void => sendError(session, req.id, err)
  switch (req.op) {
    case 'PING':
      return reply({ time: Date.now() })
    case 'AUTH': {
      if (ctx.verifier === null) {
        session.authed = true
        return reply({})
      }
      const limit = ctx.authFailures.check(session.peerAddress)
      if (!limit.allowed) return fail(rateLimited(limit.retryAfterMs))
      if (!ctx.verifier.matches(req.token)) {
        const after = ctx.authFailures.recordFailure(session.peerAddress)
        ctx.events.log('warn', `wrong token from ${session.peerAddress ?? 'unknown address'}`)
        const lockout = after.allowed
          ? ''
          : `; this address may try again in ${Math.ceil(after.retryAfterMs / 1000)} s`
        return fail(new FerryError('AUTH_FAILED', `wrong token${lockout}`))
      }
      ctx.authFailures.recordSuccess(session.peerAddress)
      session.authed = true
      return reply({})
    }
    case 'CANCEL':
      return reply({})
    case 'GET':
      return serveGet(ctx, session, req).catch(fail)
    case 'PUT':
      return prepareUpload(ctx, session.clientId, req).then((upload) => {
        if (session.closed) {
          upload.abandon(new FerryError('CONNECTION_CLOSED', 'the client went away'))
          return
        }
        session.pendingUpload = upload
        const prefix = upload.prefixSha256
        reply({ ready: true, offset: upload.offset, ...(prefix ? { prefixSha256: prefix } : {}) })
      }, fail)
    case 'LIST':
      return ops.list(ctx, req).then((r) => reply(r.header, r.body), fail)
    case 'STAT':
      return ops.stat(ctx, req).then((r) => reply(r.header), fail)
    case 'TREE':
      return tree(ctx, req).then((r) => reply(r.header, r.body), fail)
    case 'PUT_BATCH':
      return startBatch(session, req)
    case 'MKDIR':
      return ops.mkdir(ctx, req).then((r) => reply(r.header), fail)
    case 'DELETE':
      return ops.remove(ctx, req).then((r) => reply(r.header), fail)
    case 'RENAME':
      return ops.rename(ctx, req).then((r) => reply(r.header), fail)
  }
}

/** The body is read only when the server has room for it; otherwise it is skipped and the batch answered BUSY. */
function startBatch(session: Dispatcher, req: Extract<Request, { op: 'PUT_BATCH' }>): void {
  if (session.ctx.readOnly) {
    session.sink = DISCARD
    sendError(session, req.id, new FerryError('READ_ONLY', 'the share is read-only'))
    return
  }
  if (!session.ctx.batchBudget.take(req.body)) {
    session.sink = DISCARD
    sendError(
      session,
      req.id,
      new FerryError('BUSY', 'the server is receiving many batches; try again shortly'),
    )
    return
  }
  const sink = new BatchSink(req)
  const abort = sink.abort.bind(sink)
  // A dropped connection aborts the sink: its share of the budget is given back then too.
  sink.abort = () => {
    abort()
    sink.release(session.ctx)
  }
  session.sink = sink
}

function rateLimited(retryAfterMs: number): FerryError {
  return new FerryError(
    'RATE_LIMITED',
    `too many wrong tokens from this address; try again in ${Math.ceil(retryAfterMs / 1000)} s`,
  )
}
