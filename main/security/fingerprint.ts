// SHA-256 certificate fingerprints: the identity a Ferry client pins. The canonical form is Node's
// X509Certificate.fingerprint256 (uppercase hex pairs joined by ':'); users may type or paste it in any case,
// with or without separators.
import { X509Certificate } from 'node:crypto'
import { FerryError } from '../protocol/error-codes'

export function fingerprintOf(cert: string | Buffer | X509Certificate): string {
  const x509 = cert instanceof X509Certificate ? cert : new X509Certificate(cert)
  return x509.fingerprint256
}

/** Canonical form of a user-supplied fingerprint, or null if it is not 32 bytes of hex. */
export function normalizeFingerprint(input: string): string | null {
  const hex = input.replace(/^sha256[:=\s]*/i, '').replace(/[\s:-]/g, '')
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return null
  return hex.toUpperCase().match(/../g)!.join(':')
}

export function parseFingerprint(input: string): string {
  const fp = normalizeFingerprint(input)
  if (!fp) throw new FerryError('INVALID_ARGUMENT', 'a fingerprint is 64 hex digits (SHA-256)')
  return fp
}

export function sameFingerprint(a: string, b: string): boolean {
  const x = normalizeFingerprint(a)
  return x !== null && x === normalizeFingerprint(b)
}

/** For reading aloud or comparing by eye: 16 groups of 4 hex digits, in 4 lines of 4. */
export function displayFingerprint(fp: string): string {
  const hex = parseFingerprint(fp).replace(/:/g, '')
  const groups = hex.match(/.{4}/g)!
  return [0, 4, 8, 12].map((i) => groups.slice(i, i + 4).join(' ')).join('\n')
}

/**
 * What a QR code shows: enough to connect and to pin in one scan. The receiving side still compares it with
 * what the server presents; the link carries no token.
 */
export function connectionUri(host: string, port: number, fp: string): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
  return `ferry://${h}:${port}?fp=${parseFingerprint(fp).replace(/:/g, '').toLowerCase()}`
}
