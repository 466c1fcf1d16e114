// What a folder job needs from a client: the planning calls, the connection (Link) for pipelined exchanges,
// exclusive use of it, and what the server offers (HELLO's features).
import { FerryError } from '../protocol/error-codes'
import type { Hello } from '../protocol/messages'
import type { PlanHost } from './job-plan'
import { isDropped, type Link } from './link'

export interface JobHost extends PlanHost, Link {
  readonly hello: Hello
  mkdir(path: string, options?: { parents?: boolean }): Promise<string>
  runExclusive<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T>
  /** Another connection to the same server for a second lane, where the client can open one. */
  fork?(): Promise<JobHost & { close(): Promise<void> }>
}

export function hasFeature(host: { hello: Hello }, feature: string): boolean {
  return host.hello.features?.includes(feature) === true
}

/** Failures that end the whole job (the connection or the session, not one file): the rest would fail alike. */
const FATAL = new Set([
  'CANCELLED',
  'AUTH_REQUIRED',
  'AUTH_FAILED',
  'SHUTTING_DOWN',
  'PROTOCOL',
  'TLS_REQUIRED',
  'FINGERPRINT_MISMATCH',
  'TIMEOUT',
])

export function isFatal(err: unknown): boolean {
  return isDropped(err) || (err instanceof FerryError && FATAL.has(err.code))
}
