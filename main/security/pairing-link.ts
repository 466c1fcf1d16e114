// Reading a pairing link, `ferry://HOST:PORT?fp=HEX[&token=...]`: what a host's QR code and copy button give out
// (built by connectionUri() in fingerprint.ts). A link means TLS pinned to exactly that certificate, so anything
// doubtful in it is refused with INVALID_ARGUMENT rather than guessed at. The host never puts its token in the
// link; a user may add one to a link they pass on privately, and it is then used.
import { isIP, isIPv6 } from 'node:net'
import { FerryError } from '../protocol/error-codes'

export const PAIRING_SCHEME = 'ferry'

export interface PairingLink {
  host: string
  port: number
  /** A link always means TLS: the fingerprint is only worth anything over it. */
  tls: true
  /** The expected certificate fingerprint, canonical 'AB:CD:...' form. */
  fingerprint: string
  token?: string
}

const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i
const MAX_LINK_CHARS = 4096
const MAX_TOKEN_CHARS = 1024

/**
 * A host name or IP address as users write it, or null. IPv6 may come with or without brackets; a bare run of
 * digits and dots that is not an IPv4 address (1.2.3, 999.1.1.1) is refused instead of being resolved as a name.
 */
export function parseHostName(text: string): string | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text
  if (bare === '') return null
  if (isIPv6(bare)) return bare
  if (text !== bare) return null
  if (isIP(bare) === 4 || (HOSTNAME.test(bare) && !/^[\d.]+$/.test(bare))) return bare
  return null
}

/** True when the text looks like a pairing link (it may still be an invalid one). */
export function isPairingLink(text: string): boolean {
  return text.trim().toLowerCase().startsWith(`${PAIRING_SCHEME}://`)
}

/** Parses a pairing link; throws FerryError INVALID_ARGUMENT saying what is wrong with it. */
export function parsePairingLink(input: string): PairingLink {
  const text = input.trim()
  if (text.length > MAX_LINK_CHARS) throw invalid('it is too long')
  if (!isPairingLink(text)) throw invalid(`it must start with ${PAIRING_SCHEME}://`)
  const rest = text.slice(PAIRING_SCHEME.length + 3).replace(/#.*$/s, '')
  const queryAt = rest.indexOf('?')
  const beforeQuery = queryAt < 0 ? rest : rest.slice(0, queryAt)
  const authority = beforeQuery.endsWith('/') ? beforeQuery.slice(0, -1) : beforeQuery
  if (authority.includes('/')) throw invalid('it has a path; expected ferry://HOST:PORT?fp=...')
  if (authority.includes('@')) throw invalid('it names a user; expected ferry://HOST:PORT?fp=...')
  const { host, port } = parseAuthority(authority)
  const params = parseQuery(queryAt < 0 ? '' : rest.slice(queryAt + 1))
  const fp = params.get('fp')
  if (fp === undefined) throw invalid('the certificate fingerprint (fp=) is missing')
  if (!/^[0-9a-fA-F]{64}$/.test(fp)) throw invalid('fp must be 64 hex digits (a SHA-256 fingerprint)')
  const fingerprint = fp.toUpperCase().match(/../g)!.join(':')
  const token = params.get('token')
  if (token !== undefined && (token === '' || token.length > MAX_TOKEN_CHARS)) {
    throw invalid(`token must be 1 to ${MAX_TOKEN_CHARS} characters`)
  }
  return { host, port, tls: true, fingerprint, ...(token !== undefined ? { token } : {}) }
}

function parseAuthority(authority: string): { host: string; port: number } {
  let hostText: string
  let portText: string
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']')
    if (close < 0) throw invalid('the IPv6 address misses its "]"')
    hostText = authority.slice(0, close + 1)
    const after = authority.slice(close + 1)
    if (!after.startsWith(':')) throw invalid('the port is missing')
    portText = after.slice(1)
  } else {
    const colon = authority.lastIndexOf(':')
    if (colon < 0) throw invalid('the port is missing')
    if (authority.indexOf(':') !== colon)
      throw invalid('an IPv6 address must be in brackets, e.g. [::1]:7420')
    hostText = authority.slice(0, colon)
    portText = authority.slice(colon + 1)
  }
  const host = parseHostName(hostText)
  if (host === null) throw invalid(`"${hostText}" is not a host name or IP address`)
  if (!/^\d{1,5}$/.test(portText)) throw invalid('the port must be a number from 1 to 65535')
  const port = Number(portText)
  if (port < 1 || port > 65_535) throw invalid('the port must be a number from 1 to 65535')
  return { host, port }
}

/** Query parameters, percent-decoded ('+' stays a plus: tokens may contain one). Repeats are refused. */
function parseQuery(query: string): Map<string, string> {
  const params = new Map<string, string>()
  for (const part of query.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const name = decode(eq < 0 ? part : part.slice(0, eq))
    const value = decode(eq < 0 ? '' : part.slice(eq + 1))
    if (params.has(name)) throw invalid(`${name}= is given twice`)
    params.set(name, value)
  }
  return params
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    throw invalid('it contains a broken %-escape')
  }
}

function invalid(why: string): FerryError {
  return new FerryError('INVALID_ARGUMENT', `not a valid Ferry link: ${why}`)
}
