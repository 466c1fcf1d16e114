// Strict parsing of the addresses users type: HOST:PORT (IPv6 in brackets, [::1]:7420), or HOST and PORT apart
// for `ferry client`, or a host's pairing link ferry://HOST:PORT?fp=... in either place. Anything ambiguous is
// refused with a message that shows the expected form.
import { isIPv6 } from 'node:net'
import type { ConnectParams } from '../client'
import { FerryError } from '../protocol/error-codes'
import { isPairingLink, parseHostName, parsePairingLink } from '../security/pairing-link'
import { UsageError } from './errors'

export interface HostPort {
  host: string
  port: number
}

/** Where a remote command connects: a HOST:PORT, or a link with the certificate to insist on (and a token). */
export interface RemoteAddress extends HostPort {
  /** From a pairing link: TLS accepting only this certificate. */
  fingerprint?: string
  /** From a pairing link that carries one. */
  token?: string
}

/** Parses a TCP port; `allowZero` for `serve` (0 = any free port). */
export function parsePort(text: string, options: { allowZero?: boolean } = {}): number {
  const min = options.allowZero ? 0 : 1
  if (!/^\d{1,5}$/.test(text)) throw new UsageError(`invalid port "${text}": expected a number ${min}-65535`)
  const port = Number(text)
  if (port < min || port > 65535) throw new UsageError(`invalid port ${port}: expected ${min}-65535`)
  return port
}

/** Validates a host name or IP address; accepts an IPv6 address with or without brackets. */
export function parseHost(text: string): string {
  if (text === '' || text === '[]') throw new UsageError('missing host')
  const host = parseHostName(text)
  if (host !== null) return host
  if (text.startsWith('[')) throw new UsageError(`invalid IPv6 address "${text}"`)
  throw new UsageError(`invalid host "${text}": expected a host name, an IPv4 address or an IPv6 address`)
}

/** Parses HOST:PORT; IPv6 hosts must be bracketed: [::1]:7420. */
export function parseHostPort(text: string): HostPort {
  const example = 'expected HOST:PORT, e.g. 192.168.1.20:7420 or [::1]:7420'
  if (text.startsWith('[')) {
    const close = text.indexOf(']')
    if (close < 0) throw new UsageError(`invalid address "${text}": missing "]"; ${example}`)
    const rest = text.slice(close + 1)
    if (!rest.startsWith(':') || rest.length < 2)
      throw new UsageError(`invalid address "${text}": missing port; ${example}`)
    const host = text.slice(1, close)
    if (!isIPv6(host)) throw new UsageError(`invalid address "${text}": "${host}" is not an IPv6 address`)
    return { host, port: parsePort(rest.slice(1)) }
  }
  const colon = text.lastIndexOf(':')
  if (colon < 0) throw new UsageError(`invalid address "${text}": missing port; ${example}`)
  if (text.indexOf(':') !== colon)
    throw new UsageError(`invalid address "${text}": IPv6 addresses need brackets, e.g. [::1]:7420`)
  const hostText = text.slice(0, colon)
  if (hostText === '') throw new UsageError(`invalid address "${text}": missing host; ${example}`)
  return { host: parseHost(hostText), port: parsePort(text.slice(colon + 1)) }
}

/** HOST:PORT or a pairing link (a bad link is a usage error saying what is wrong with it). */
export function parseAddress(text: string): RemoteAddress {
  if (!isPairingLink(text)) return parseHostPort(text)
  try {
    const { host, port, fingerprint, token } = parsePairingLink(text)
    return { host, port, fingerprint, ...(token !== undefined ? { token } : {}) }
  } catch (err: unknown) {
    throw err instanceof FerryError ? new UsageError(err.message) : err
  }
}

/**
 * What to connect with: the address, plus the link's token and certificate. The command line's own --token and
 * --fingerprint are merged in later (program.ts), where the trust store is opened.
 */
export function connectParamsOf(address: RemoteAddress): ConnectParams {
  const { host, port, fingerprint, token } = address
  return {
    host,
    port,
    ...(token !== undefined ? { token } : {}),
    ...(fingerprint !== undefined ? { tls: { fingerprint } } : {}),
  }
}

export function formatHostPort({ host, port }: HostPort): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`
}
