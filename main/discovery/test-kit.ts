// Shared by the discovery tests: a free UDP port, transports that keep a browser and an announcer on loopback
// unicast (no multicast leaves the machine), a sender of made-up packets, and a wait for a list change.
import { createSocket } from 'node:dgram'
import { once } from 'node:events'
import makeMdns from 'multicast-dns'
import type { Discoverer } from './discoverer'
import type { DiscoveryChange } from './nearby-table'
import type { MdnsTransport } from './transport'

export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4')
  socket.bind(0, '127.0.0.1')
  await once(socket, 'listening')
  const { port } = socket.address()
  await new Promise<void>((resolve) => socket.close(() => resolve()))
  return port
}

/** A browser that listens on 127.0.0.1:port and sends its queries there too (they reach nobody else). */
export function browserTransport(port: number): MdnsTransport {
  return { port, ip: '127.0.0.1', bind: '127.0.0.1', multicast: false, interface: '127.0.0.1' }
}

/** An announcer whose announcements and goodbyes go to the browser at 127.0.0.1:port. */
export function announcerTransport(port: number): MdnsTransport {
  return { port, ip: '127.0.0.1', bind: false, multicast: false, interface: '127.0.0.1' }
}

/** Sends arbitrary bytes to 127.0.0.1:port. */
export async function sendRaw(port: number, bytes: Buffer): Promise<void> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve, reject) =>
    socket.send(bytes, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
  )
  socket.close()
}

/**
 * Sends one DNS response (any records, encoded by dns-packet through multicast-dns) to 127.0.0.1:port, from
 * `from` (any 127.x.y.z address: another "machine" on loopback).
 */
export async function sendResponse(
  port: number,
  response: Parameters<ReturnType<typeof makeMdns>['respond']>[0],
  from = '127.0.0.1',
): Promise<void> {
  const socket = createSocket('udp4')
  socket.bind(0, from)
  await once(socket, 'listening')
  const sender = makeMdns({ port, ip: '127.0.0.1', bind: false, multicast: false, socket })
  await new Promise<void>((resolve, reject) =>
    sender.respond(response, (err) => (err ? reject(err) : resolve())),
  )
  await new Promise<void>((resolve) => sender.destroy(() => resolve()))
}

/** The next change that satisfies `match`. */
export function nextChange(
  discoverer: Discoverer,
  match: (change: DiscoveryChange) => boolean,
): Promise<DiscoveryChange> {
  return new Promise((resolve) => {
    const listener = (change: DiscoveryChange) => {
      if (!match(change)) return
      discoverer.off('change', listener)
      resolve(change)
    }
    discoverer.on('change', listener)
  })
}
