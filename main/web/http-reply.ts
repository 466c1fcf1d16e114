// How the web API answers: JSON bodies, a FerryError as {code, message} with an HTTP status chosen by its stable
// code, and the headers every response carries. The one place a status is picked for a Ferry code.
import type http from 'node:http'
import { FerryError, fromSystemError, type ErrorCode } from '../protocol/error-codes'

const STATUS: Partial<Record<ErrorCode, number>> = {
  NOT_FOUND: 404,
  EXISTS: 409,
  PATH_INVALID: 400,
  NOT_A_DIRECTORY: 409,
  IS_A_DIRECTORY: 409,
  NOT_EMPTY: 409,
  TOO_LARGE: 413,
  NO_SPACE: 507,
  QUOTA_EXCEEDED: 507,
  CHECKSUM_MISMATCH: 422,
  SIZE_MISMATCH: 422,
  OFFSET_INVALID: 409,
  TIMEOUT: 408,
  PROTOCOL: 400,
  UNSUPPORTED: 405,
  BUSY: 503,
  RATE_LIMITED: 429,
  AUTH_REQUIRED: 401,
  AUTH_FAILED: 401,
  READ_ONLY: 403,
  PERMISSION_DENIED: 403,
  SHUTTING_DOWN: 503,
  STORE_UNAVAILABLE: 503,
  INVALID_ARGUMENT: 400,
}

export function statusFor(code: ErrorCode): number {
  return STATUS[code] ?? 500
}

/** Headers on every answer: no sniffing, no referrer leaking paths, never framed. */
export function baseHeaders(res: http.ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Referrer-Policy', 'no-referrer')
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader('Cache-Control', 'no-store')
}

export function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value), 'utf8')
  if (res.headersSent) {
    res.destroy()
    return
  }
  res.statusCode = status
  res.setHeader('Content-Type', 'application/json; charset=utf-8')
  res.setHeader('Content-Length', body.length)
  res.end(body)
}

/** Answers with the error's code and message (never its cause); `extra` adds fields such as an offset. */
export function sendError(
  res: http.ServerResponse,
  err: unknown,
  extra: Record<string, unknown> = {},
  status?: number,
): void {
  const error = err instanceof FerryError ? err : fromSystemError(err, 'request failed')
  sendJson(res, status ?? statusFor(error.code), { code: error.code, message: error.message, ...extra })
}
