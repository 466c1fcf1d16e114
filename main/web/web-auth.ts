// Who may use the web API. With an access token, a browser logs in once by POSTing the token; it gets a cookie
// holding a random session id (never the token), HttpOnly so page scripts cannot read it and SameSite=Strict so
// other sites cannot send it. Wrong tokens count against the address in the same FailureLimiter the Ferry
// protocol uses, with the same limits. State-changing requests also need a custom header (a cross-site form
// cannot set one, and a cross-origin fetch that sets one needs a CORS preflight this server never grants) and,
// when the browser sends Origin, the same origin as the page.
import { randomBytes } from 'node:crypto'
import type http from 'node:http'
import { FerryError } from '../protocol/error-codes'
import { FailureLimiter, type FailureLimiterOptions } from '../security/failure-limiter'
import { TokenVerifier } from '../security/token'

export const SESSION_COOKIE = 'ferry_session'
/** The header every state-changing request must carry (its value is not checked: its presence is the point). */
export const CSRF_HEADER = 'x-ferry-request'
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000
const MAX_SESSIONS = 10_000

export interface WebAuthOptions {
  token?: string
  secure: boolean
  authFailures?: Partial<Omit<FailureLimiterOptions, 'now'>>
  now?: () => number
}

export class WebAuth {
  private readonly verifier: TokenVerifier | null
  private readonly sessions = new Map<string, number>() // id -> expiry
  private readonly failures: FailureLimiter
  private readonly now: () => number

  constructor(private readonly options: WebAuthOptions) {
    this.verifier = options.token === undefined ? null : new TokenVerifier(options.token)
    this.now = options.now ?? Date.now
    this.failures = new FailureLimiter({ ...options.authFailures, now: this.now })
  }

  get required(): boolean {
    return this.verifier !== null
  }

  /** True when this request may use the share: no token is set, or it carries a live session cookie. */
  isAllowed(req: http.IncomingMessage): boolean {
    if (this.verifier === null) return true
    const id = cookieValue(req.headers.cookie, SESSION_COOKIE)
    if (id === undefined) return false
    const expires = this.sessions.get(id)
    if (expires === undefined) return false
    if (expires <= this.now()) {
      this.sessions.delete(id)
      return false
    }
    return true
  }

  /**
   * Checks a presented token for `address`: RATE_LIMITED (with retryAfterMs) while locked out, AUTH_FAILED when
   * wrong; on success returns the Set-Cookie value of a fresh session.
   */
  login(address: string | undefined, presented: unknown): string {
    if (this.verifier === null) throw new FerryError('INVALID_ARGUMENT', 'this share needs no access token')
    const allowed = this.failures.check(address)
    if (!allowed.allowed) throw new RateLimited(allowed.retryAfterMs)
    if (!this.verifier.matches(presented)) {
      const after = this.failures.recordFailure(address)
      if (!after.allowed) throw new RateLimited(after.retryAfterMs)
      throw new FerryError('AUTH_FAILED', 'wrong access token')
    }
    this.failures.recordSuccess(address)
    const id = randomBytes(32).toString('base64url')
    this.dropExpired()
    while (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next()
      if (oldest.done) break
      this.sessions.delete(oldest.value)
    }
    this.sessions.set(id, this.now() + SESSION_TTL_MS)
    return this.cookie(id, SESSION_TTL_MS / 1000)
  }

  /** Ends the request's session; returns the Set-Cookie value that clears the cookie. */
  logout(req: http.IncomingMessage): string {
    const id = cookieValue(req.headers.cookie, SESSION_COOKIE)
    if (id !== undefined) this.sessions.delete(id)
    return this.cookie('', 0)
  }

  private cookie(value: string, maxAgeSeconds: number): string {
    const parts = [
      `${SESSION_COOKIE}=${value}`,
      'Path=/',
      'HttpOnly',
      'SameSite=Strict',
      `Max-Age=${maxAgeSeconds}`,
    ]
    if (this.options.secure) parts.push('Secure')
    return parts.join('; ')
  }

  private dropExpired(): void {
    const now = this.now()
    for (const [id, expires] of this.sessions) if (expires <= now) this.sessions.delete(id)
  }
}

export class RateLimited extends FerryError {
  constructor(readonly retryAfterMs: number) {
    super(
      'RATE_LIMITED',
      `too many wrong tokens from this address; try again in ${Math.ceil(retryAfterMs / 1000)} s`,
    )
  }
}

/** PERMISSION_DENIED unless a state-changing request carries the custom header and, if any, a same-site Origin. */
export function checkCsrf(req: http.IncomingMessage): void {
  if (req.headers[CSRF_HEADER] === undefined) {
    throw new FerryError('PERMISSION_DENIED', `requests that change something need the ${CSRF_HEADER} header`)
  }
  const origin = req.headers.origin
  if (origin === undefined) return
  let host: string
  try {
    host = new URL(origin).host
  } catch {
    throw new FerryError('PERMISSION_DENIED', 'the Origin header is malformed')
  }
  if (host !== req.headers.host)
    throw new FerryError('PERMISSION_DENIED', 'cross-origin requests are refused')
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined || header.length > 8192) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}
