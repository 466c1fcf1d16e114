// The HTTP end of browser mode's uploads: the page POSTs a stream's next bytes here (bridge-protocol.ts). Only
// the app's own page with the session token gets in; the answer is JSON, an ApiError when it failed.
import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ApiError, ErrorCode } from '../../preload/api'
import { toApiError } from '../ipc/result'
import { StreamKeySchema, UPLOAD_PATH } from './bridge-protocol'
import type { PageUploads } from './page-uploads'

export interface UploadRouteOptions {
  token: string
  /** The page's own origins: a request from anywhere else is refused. */
  origins: Set<string>
  headers: Record<string, string>
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  CANCELLED: 410,
  OFFSET_INVALID: 409,
  SIZE_MISMATCH: 409,
  BUSY: 409,
  INVALID_ARGUMENT: 400,
  PROTOCOL: 400,
  AUTH_FAILED: 401,
  PERMISSION_DENIED: 403,
}

export function isUploadRequest(req: IncomingMessage): boolean {
  return (req.url ?? '').startsWith(UPLOAD_PATH)
}

export function serveUpload(
  uploads: PageUploads,
  req: IncomingMessage,
  res: ServerResponse,
  options: UploadRouteOptions,
): void {
  const reply = (status: number, body: object) => {
    if (res.headersSent || res.destroyed) return
    res
      .writeHead(status, { ...options.headers, 'Content-Type': 'application/json' })
      .end(JSON.stringify(body))
  }
  const refuse = (error: ApiError) => {
    // The body is not wanted: the connection closes once the answer is out rather than read it all.
    res.setHeader('Connection', 'close')
    reply(STATUS[error.code] ?? 500, error)
  }
  if (req.method !== 'POST') {
    res.writeHead(405, { ...options.headers, Allow: 'POST' }).end()
    return
  }
  if (!options.origins.has(req.headers.origin ?? '')) {
    return refuse({ code: 'PERMISSION_DENIED', message: 'uploads come from the Ferry page only' })
  }
  if (!tokenMatches(req.headers.authorization, options.token)) {
    return refuse({ code: 'AUTH_FAILED', message: 'the session token is missing or wrong' })
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  const key = StreamKeySchema.safeParse(url.pathname.slice(UPLOAD_PATH.length))
  const offset = Number(url.searchParams.get('offset') ?? '')
  if (!key.success || !Number.isSafeInteger(offset) || offset < 0) {
    return refuse({ code: 'INVALID_ARGUMENT', message: 'an upload is POSTed to its stream with an offset' })
  }
  uploads.receive(key.data, offset, req).then(
    (bytes) => reply(200, { bytes }),
    (err: unknown) => refuse(toApiError(err)),
  )
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header ?? '')
  const expected = Buffer.from(`Bearer ${token}`)
  return given.length === expected.length && timingSafeEqual(given, expected)
}
