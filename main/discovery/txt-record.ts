// The TXT record of a Ferry host: what a browser learns before connecting. Keys are short, values plain ASCII
// (RFC 6763 §6): txtvers=1, v=<protocol version>, name=<host name>, tls=0|1, fp=<64 hex digits, only with TLS>,
// token=0|1. Decoding is strict (zod): anything outside these shapes is not a Ferry host, and is ignored.
import { z } from 'zod'
import { MAX_LABEL_BYTES, MAX_TXT_BYTES } from './constants'

export interface FerryTxt {
  /** The Ferry protocol version the host speaks (main/protocol/limits.ts PROTOCOL_VERSION). */
  protocol: number
  /** The host's name as the server reports it (not a DNS name: shown to people). */
  name: string
  tls: boolean
  /** The certificate fingerprint, 'AB:CD:...', only when tls: a hint, never trusted without the TLS check. */
  fingerprint: string | null
  tokenRequired: boolean
}

const flag = z.enum(['0', '1']).transform((v) => v === '1')
// Printable ASCII and common letters, no control characters: the name is shown in a list as is.
const displayName = z
  .string()
  .min(1)
  .max(MAX_LABEL_BYTES)
  .regex(/^[^\p{Cc}\p{Cf}]+$/u, 'no control characters')
const hexFingerprint = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/)
  .transform((hex) => hex.toUpperCase().match(/../g)!.join(':'))

const TxtSchema = z
  .strictObject({
    txtvers: z.literal('1'),
    v: z
      .string()
      .regex(/^\d{1,4}$/)
      .transform(Number),
    name: displayName,
    tls: flag,
    fp: hexFingerprint.optional(),
    token: flag,
  })
  .refine((t) => t.tls === (t.fp !== undefined), 'fp is given exactly when tls=1')

export function encodeTxt(txt: FerryTxt): string[] {
  const name = Buffer.from(txt.name, 'utf8').byteLength > MAX_LABEL_BYTES ? truncate(txt.name) : txt.name
  return [
    'txtvers=1',
    `v=${txt.protocol}`,
    `name=${name}`,
    `tls=${txt.tls ? 1 : 0}`,
    ...(txt.tls && txt.fingerprint ? [`fp=${txt.fingerprint.replace(/:/g, '').toLowerCase()}`] : []),
    `token=${txt.tokenRequired ? 1 : 0}`,
  ]
}

/** The TXT strings of an answer (Buffers as dns-packet decodes them); null when they are not a Ferry record. */
export function decodeTxt(strings: readonly unknown[]): FerryTxt | null {
  let total = 0
  // A Map, not an object: a key like __proto__ from the network must stay a plain key.
  const fields = new Map<string, string>()
  for (const item of strings) {
    if (!Buffer.isBuffer(item) && typeof item !== 'string') return null
    const bytes = Buffer.isBuffer(item) ? item : Buffer.from(item, 'utf8')
    total += bytes.byteLength + 1
    if (total > MAX_TXT_BYTES) return null
    const text = bytes.toString('utf8')
    const eq = text.indexOf('=')
    if (eq <= 0) return null
    const key = text.slice(0, eq).toLowerCase()
    // RFC 6763 §6.4: a repeated key is ignored after its first appearance; the strict schema still sees one.
    if (!fields.has(key)) fields.set(key, text.slice(eq + 1))
  }
  const parsed = TxtSchema.safeParse(Object.fromEntries(fields))
  if (!parsed.success) return null
  const t = parsed.data
  return { protocol: t.v, name: t.name, tls: t.tls, fingerprint: t.fp ?? null, tokenRequired: t.token }
}

/** Cuts a name to at most MAX_LABEL_BYTES of UTF-8 without splitting a character. */
export function truncate(name: string): string {
  let out = ''
  for (const ch of name) {
    if (Buffer.byteLength(out + ch, 'utf8') > MAX_LABEL_BYTES) break
    out += ch
  }
  return out
}
