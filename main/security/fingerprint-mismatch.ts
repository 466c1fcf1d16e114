// The FINGERPRINT_MISMATCH error with its facts as fields, not only in the message: a UI shows both fingerprints
// side by side and pins the presented one when the user accepts it, so it must not parse them out of text.
import { FerryError } from '../protocol/error-codes'

export interface FingerprintMismatchDetails {
  /** 'host:port' ('[v6]:port' for IPv6). */
  server: string
  /** The pinned or given fingerprint, 'AB:CD:...'. */
  expected: string
  /** What the server presented, 'AB:CD:...'. */
  presented: string
}

export class FingerprintMismatchError extends FerryError {
  readonly details: FingerprintMismatchDetails

  constructor(details: FingerprintMismatchDetails, message: string) {
    super('FINGERPRINT_MISMATCH', message)
    this.name = 'FingerprintMismatchError'
    this.details = { ...details }
  }
}
