// DNS-rebinding guard for a share without a token. A page on another site can point its own domain at this
// machine (127.0.0.1 or a LAN address) and then read the share through the visitor's browser: the browser thinks it
// talks to that site, so the same-origin rule does not help. What gives it away is the Host header, which still
// names the other site. So an open share answers only requests addressed to an IP address, localhost or this
// machine's own names. With a token the login cookie already keeps such pages out (it was never set for them).
import net from 'node:net'
import os from 'node:os'

/** The host part of a Host header ('[::1]:8080' -> '::1', 'box.local:80' -> 'box.local'), lower-cased. */
export function hostOf(header: string): string {
  const value = header.trim().toLowerCase()
  if (value.startsWith('[')) return value.slice(1, value.indexOf(']') >>> 0)
  const colon = value.lastIndexOf(':')
  // One colon is a port; more than one without brackets is a bare IPv6 address.
  return colon !== -1 && value.indexOf(':') === colon ? value.slice(0, colon) : value
}

/** This machine's own names: its host name, with and without '.local' (mDNS), and localhost. */
export function ownNames(hostname = os.hostname()): string[] {
  const name = hostname.toLowerCase().replace(/\.local$/, '')
  return ['localhost', name, `${name}.local`]
}

export function hostAllowed(header: string | undefined, names: readonly string[]): boolean {
  if (header === undefined || header === '') return false
  const host = hostOf(header)
  return net.isIP(host) !== 0 || names.includes(host)
}
