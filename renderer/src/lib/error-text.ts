// How an error from the back end reads to a user: its message (what happened) and, for the common codes, a short
// hint (what to do). The stable code is not part of the sentence (except where only a bug report helps); screens
// show it as a tooltip ("Error code: X") through errorCodeTitle, so support can still ask for it.
import type { ApiError, ErrorCode } from '../../../preload/api'

const HINTS: Partial<Record<ErrorCode, string>> = {
  EXISTS: 'choose another name, or replace the existing one',
  NOT_EMPTY: 'the folder is not empty: delete it with everything in it',
  NOT_FOUND: 'it may have been moved or deleted: refresh and try again',
  CONNECTION_FAILED: 'check that the server is running and that the host and port are right',
  CONNECTION_CLOSED: 'the connection was lost: connect again',
  AUTH_REQUIRED: 'this server needs an access token: ask the host for it',
  AUTH_FAILED: 'check the access token with the host',
  TLS_REQUIRED: 'this server only accepts encrypted connections: turn on "Use TLS"',
  FINGERPRINT_MISMATCH: 'compare the certificate fingerprint with the host before trusting it',
  READ_ONLY: 'the host shares this read-only: you can download, not change it',
  PERMISSION_DENIED: "check the folder's permissions",
  QUOTA_EXCEEDED: 'free some space in the share, or ask the host for a larger quota',
  NO_SPACE: 'free some disk space and try again',
  TOO_LARGE: 'the server does not accept anything this large',
  TIMEOUT: 'the network or the server is slow: try again',
  BUSY: 'the server is busy: try again in a moment',
  RATE_LIMITED: 'too many requests: wait a moment and try again',
  SHUTTING_DOWN: 'the server is stopping: try again once it is back',
  STORE_UNAVAILABLE: "check the store's endpoint, bucket and keys, and that the store is running",
  CHECKSUM_MISMATCH: 'the data was damaged or changed on the way: start the transfer again',
  SIZE_MISMATCH: 'the file changed while it was moving: start the transfer again',
}

/** Codes whose message cannot tell a user what to do: the code stays in the text, for a bug report. */
const TECHNICAL: ReadonlySet<ErrorCode> = new Set(['INTERNAL', 'PROTOCOL', 'UNSUPPORTED', 'OFFSET_INVALID'])

/** The hint for a code, or null where the message alone says it. */
export function errorHint(code: ErrorCode): string | null {
  return HINTS[code] ?? null
}

/** "message — hint": what happened, then what to do; never the raw code or a stack. */
export function describeError(error: ApiError): string {
  const message = error.message.trim().replace(/[.\s]+$/, '')
  if (TECHNICAL.has(error.code)) return `${message} (error code ${error.code})`
  const hint = errorHint(error.code)
  // Messages that already give the advice (a back end that says "connect again") need no second copy.
  if (!hint || message.toLowerCase().includes(hint.toLowerCase())) return message
  return `${message} — ${hint}`
}

/** The tooltip that keeps the stable code reachable wherever an error is shown. */
export function errorCodeTitle(code: ErrorCode): string {
  return `Error code: ${code}`
}
