// Where the mDNS socket listens and sends. Real use takes the defaults (224.0.0.251:5353 on every IPv4
// interface); FERRY_MDNS_INTERFACE=ADDR keeps Ferry to the interface with that IPv4 address (a machine on
// several networks, or a test that must not leave one). Tests also point a browser at a unicast address and port
// of their own so that raw packets can be sent to it.
import makeMdns from 'multicast-dns'

export interface MdnsTransport {
  /** IPv4 address of the one interface to use; default every interface (or $FERRY_MDNS_INTERFACE). */
  interface?: string
  /** UDP port to bind and send to; default 5353. */
  port?: number
  /** Where queries and announcements go; default the mDNS group 224.0.0.251. */
  ip?: string
  /** Join the multicast group; default true. */
  multicast?: boolean
  /** Address to bind; default the interface, else every address; false sends only (from a free port). */
  bind?: string | false
}

export type MdnsSocket = ReturnType<typeof makeMdns>

export function openMdns(transport: MdnsTransport = {}): MdnsSocket {
  const fromEnv = process.env['FERRY_MDNS_INTERFACE']?.trim()
  const iface = transport.interface ?? (fromEnv ? fromEnv : undefined)
  return makeMdns({
    ...(iface !== undefined ? { interface: iface } : {}),
    ...(transport.port !== undefined ? { port: transport.port } : {}),
    ...(transport.ip !== undefined ? { ip: transport.ip } : {}),
    ...(transport.multicast !== undefined ? { multicast: transport.multicast } : {}),
    ...(transport.bind !== undefined ? { bind: transport.bind } : {}),
    reuseAddr: true,
  })
}

/** Resolves once the socket is bound; rejects with the bind error (EADDRINUSE, EACCES). */
export function whenReady(socket: MdnsSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err)
    socket.once('error', onError)
    socket.once('ready', () => {
      socket.removeListener('error', onError)
      resolve()
    })
  })
}

export function closeMdns(socket: MdnsSocket): Promise<void> {
  return new Promise((resolve) => socket.destroy(() => resolve()))
}
