// Stable error codes: they travel on the wire, across IPC and out of the CLI, so never rename one.
export const ERROR_CODES = [
  'NOT_FOUND',
  'EXISTS',
  'PATH_INVALID',
  'NOT_A_DIRECTORY',
  'IS_A_DIRECTORY',
  'NOT_EMPTY',
  'TOO_LARGE',
  'NO_SPACE',
  'QUOTA_EXCEEDED',
  'CHECKSUM_MISMATCH',
  'SIZE_MISMATCH',
  'OFFSET_INVALID',
  'TIMEOUT',
  'PROTOCOL',
  'UNSUPPORTED',
  'BUSY',
  'RATE_LIMITED',
  'AUTH_REQUIRED',
  'AUTH_FAILED',
  'READ_ONLY',
  'PERMISSION_DENIED',
  'TLS_REQUIRED',
  'FINGERPRINT_MISMATCH',
  'CANCELLED',
  'CONNECTION_FAILED',
  'CONNECTION_CLOSED',
  'SHUTTING_DOWN',
  /** The share's backing store (an S3 bucket, say) cannot be reached. */
  'STORE_UNAVAILABLE',
  'INVALID_ARGUMENT',
  'INTERNAL',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

const CODE_SET: ReadonlySet<string> = new Set(ERROR_CODES)

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && CODE_SET.has(value)
}

/** The one error type of Ferry: every failure a user can see carries a stable `code`. */
export class FerryError extends Error {
  readonly code: ErrorCode

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'FerryError'
    this.code = code
  }
}

export function isFerryError(value: unknown): value is FerryError {
  return value instanceof FerryError
}

/** Maps Node's file system errno codes to Ferry codes, so callers never see raw ENOENT and friends. */
export function fromSystemError(err: unknown, what: string): FerryError {
  if (err instanceof FerryError) return err
  const sys =
    typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : ''
  const map: Record<string, [ErrorCode, string]> = {
    ENOENT: ['NOT_FOUND', 'does not exist'],
    EEXIST: ['EXISTS', 'already exists'],
    ENOTDIR: ['NOT_A_DIRECTORY', 'is not a folder'],
    EISDIR: ['IS_A_DIRECTORY', 'is a folder'],
    ENOTEMPTY: ['NOT_EMPTY', 'is not empty'],
    ENOSPC: ['NO_SPACE', 'no space left on the device'],
    EDQUOT: ['QUOTA_EXCEEDED', 'disk quota exceeded'],
    EFBIG: ['TOO_LARGE', 'file too large'],
    EACCES: ['PERMISSION_DENIED', 'permission denied'],
    EPERM: ['PERMISSION_DENIED', 'operation not permitted'],
    EROFS: ['READ_ONLY', 'read-only file system'],
    ENAMETOOLONG: ['PATH_INVALID', 'name too long'],
    ELOOP: ['PATH_INVALID', 'too many symbolic links'],
    ECONNREFUSED: ['CONNECTION_FAILED', 'connection refused'],
    ECONNRESET: ['CONNECTION_CLOSED', 'connection reset'],
    EPIPE: ['CONNECTION_CLOSED', 'connection closed'],
    ETIMEDOUT: ['TIMEOUT', 'timed out'],
    EHOSTUNREACH: ['CONNECTION_FAILED', 'host unreachable'],
    ENOTFOUND: ['CONNECTION_FAILED', 'host not found'],
    EMFILE: ['BUSY', 'too many open files'],
  }
  const hit = map[sys]
  if (hit) return new FerryError(hit[0], `${what}: ${hit[1]}`, { cause: err })
  const message = err instanceof Error ? err.message : String(err)
  return new FerryError('INTERNAL', `${what}: ${message}`, { cause: err })
}
