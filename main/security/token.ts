// Access token check. Both sides are hashed to fixed-length SHA-256 digests first, so timingSafeEqual compares
// equal-length buffers and the time taken reveals neither the token's content nor its length.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { FerryError } from '../protocol/error-codes'

/** Longest token accepted (the AUTH schema allows 1024 characters; the host's own choice is held to the same). */
export const MAX_TOKEN_LENGTH = 1024

function digest(token: string): Buffer {
  // NFC so the same PIN typed on two keyboards (composed or decomposed accents) is the same secret.
  return createHash('sha256').update(token.normalize('NFC'), 'utf8').digest()
}

/** Holds only the digest of the host's token, never the token itself. */
export class TokenVerifier {
  private readonly expected: Buffer

  constructor(token: string) {
    const problem = tokenProblem(token)
    if (problem) throw new FerryError('INVALID_ARGUMENT', problem)
    this.expected = digest(token)
  }

  /** Constant-time comparison; anything that is not a string simply does not match. */
  matches(presented: unknown): boolean {
    if (typeof presented !== 'string' || presented.length > MAX_TOKEN_LENGTH) {
      // Still hash something so a refused type costs about the same as a wrong token.
      timingSafeEqual(this.expected, digest(''))
      return false
    }
    return timingSafeEqual(this.expected, digest(presented))
  }
}

/** Why a host-chosen token is unusable, or null. Short PINs are allowed: the failure limiter guards them. */
export function tokenProblem(token: string): string | null {
  if (token.length === 0) return 'the access token is empty'
  if (token.length > MAX_TOKEN_LENGTH) return `the access token is longer than ${MAX_TOKEN_LENGTH} characters`
  if (token.trim() !== token) return 'the access token starts or ends with white space'
  return null
}

/** A random token for hosts that want one generated: 24 characters of base64url, 144 bits. */
export function generateToken(): string {
  return randomBytes(18).toString('base64url')
}
