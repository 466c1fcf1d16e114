// S3 and network failures as FerryErrors with stable codes. Messages are built here from the error's name and
// HTTP status, never copied from a request, and any text taken from a response is scrubbed of the secret key, so
// no message can carry it.
import { FerryError, type ErrorCode } from '../../protocol/error-codes'

/** What the mapping may mention (bucket, access key id) and must not (the secret). */
export interface ErrorContext {
  bucket: string
  accessKeyId: string
  secret: string
}

/** Node and SDK errors that mean no answer came from the store. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ERR_STREAM_PREMATURE_CLOSE',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'NetworkingError',
])

const AUTH = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken'])

interface Described {
  name: string
  status: number | undefined
  code: string
  message: string
}

function details(err: unknown): Described {
  const o = typeof err === 'object' && err !== null ? (err as Record<string, unknown>) : {}
  const meta = o['$metadata'] as { httpStatusCode?: unknown } | undefined
  const status = typeof meta?.httpStatusCode === 'number' ? meta.httpStatusCode : undefined
  return {
    name: typeof o['name'] === 'string' ? o['name'] : '',
    status,
    code: typeof o['code'] === 'string' ? o['code'] : '',
    message: err instanceof Error ? err.message : String(err),
  }
}

/** The S3 error name of an SDK error ('NoSuchKey', 'PreconditionFailed', ...), or ''. */
export function s3ErrorName(err: unknown): string {
  return details(err).name
}

/** The HTTP status of an SDK error, if a response came back. */
export function s3Status(err: unknown): number | undefined {
  return details(err).status
}

function redact(text: string, secret: string): string {
  return secret.length > 0 ? text.split(secret).join('[secret]') : text
}

/** Maps any failure of an S3 call about `what` (a wire path or an operation) to a FerryError. */
export function toStoreError(err: unknown, what: string, ctx: ErrorContext): FerryError {
  if (err instanceof FerryError) return err
  const d = details(err)
  const make = (code: ErrorCode, message: string): FerryError =>
    new FerryError(code, redact(`${what}: ${message}`, ctx.secret), { cause: err })
  if (d.name === 'AbortError') return make('CANCELLED', 'cancelled')
  if (UNREACHABLE.has(d.code) || UNREACHABLE.has(d.name)) {
    return make('STORE_UNAVAILABLE', `the S3 store cannot be reached (${d.code || d.name})`)
  }
  if (AUTH.has(d.name)) {
    return make(
      'AUTH_FAILED',
      `the S3 store refused the credentials of access key ${ctx.accessKeyId} (${d.name}): check the access and secret key`,
    )
  }
  if (d.name === 'NoSuchBucket') return make('STORE_UNAVAILABLE', `the bucket ${ctx.bucket} does not exist`)
  if (d.name === 'AccessDenied') return make('PERMISSION_DENIED', 'the S3 store denied access')
  if (d.status === 403) {
    // HEAD answers carry no error name: the credentials or the permissions are wrong.
    return make(
      'PERMISSION_DENIED',
      'the S3 store refused the request (HTTP 403: wrong credentials or no access)',
    )
  }
  if (d.name === 'NoSuchKey' || d.name === 'NotFound' || d.name === 'NoSuchUpload') {
    return make('NOT_FOUND', 'does not exist')
  }
  if (d.name === 'PreconditionFailed' || d.status === 412) return make('EXISTS', 'already exists')
  if (d.name === 'InvalidRange' || d.status === 416) return make('OFFSET_INVALID', 'offset beyond the end')
  if (d.name === 'EntityTooLarge') return make('TOO_LARGE', 'too large for the S3 store')
  if (d.name === 'QuotaExceeded') return make('QUOTA_EXCEEDED', "the bucket's quota is exhausted")
  if (d.name === 'SlowDown' || d.status === 429) return make('BUSY', 'the S3 store asks to slow down')
  if (d.status !== undefined && d.status >= 500) {
    return make('STORE_UNAVAILABLE', `the S3 store failed (HTTP ${d.status} ${d.name})`)
  }
  return make('INTERNAL', `S3 error ${d.name || d.code || 'unknown'} (HTTP ${d.status ?? '-'}): ${d.message}`)
}
