// Browses the network for Ferry hosts: queries _ferry._tcp.local (at start, after 1 and 3 s, then every minute,
// and again when an entry nears the end of its TTL), reads every response that arrives and keeps the live list
// (nearby-table.ts). Emits 'change' for every add, update and remove. Whatever arrives from the network is only
// read through answers.ts: malformed packets, foreign services and oversized records are ignored.
import { EventEmitter } from 'node:events'
import type { RemoteInfo } from 'node:dgram'
import type { Answer } from 'dns-packet'
import { SERVICE_TYPE } from './constants'
import { readInstances } from './answers'
import { NearbyTable, type DiscoveredHost, type DiscoveryChange } from './nearby-table'
import { closeMdns, openMdns, whenReady, type MdnsSocket, type MdnsTransport } from './transport'

export interface DiscovererOptions {
  transport?: MdnsTransport
  /** Clock, for tests. */
  now?: () => number
}

const QUERY_SCHEDULE_MS = [0, 1_000, 3_000]
const QUERY_EVERY_MS = 60_000
/** How often expiry is checked: an entry is removed at most this late after its TTL ran out. */
export const SWEEP_MS = 1_000

interface DiscovererEvents {
  change: [DiscoveryChange]
  /** Something went wrong with the socket after start (sending failed); browsing goes on where it can. */
  warning: [Error]
}

export class Discoverer extends EventEmitter<DiscovererEvents> {
  private readonly table = new NearbyTable()
  private readonly now: () => number
  private socket: MdnsSocket | null = null
  private timers: NodeJS.Timeout[] = []

  constructor(private readonly options: DiscovererOptions = {}) {
    super()
    this.now = options.now ?? Date.now
  }

  get running(): boolean {
    return this.socket !== null
  }

  list(): DiscoveredHost[] {
    return this.table.list()
  }

  async start(): Promise<void> {
    if (this.socket) return
    const socket = openMdns(this.options.transport)
    this.socket = socket
    socket.on('response', (packet, rinfo) => this.onResponse(packet, rinfo))
    socket.on('warning', (err: Error) => this.emit('warning', err))
    try {
      await whenReady(socket)
    } catch (err: unknown) {
      this.socket = null
      await closeMdns(socket)
      throw err
    }
    // Errors after start (a send to a network that went away) are warnings: the list keeps working.
    socket.on('error', (err: Error) => this.emit('warning', err))
    for (const delay of QUERY_SCHEDULE_MS) this.timers.push(setTimeout(() => this.query(), delay).unref())
    this.timers.push(setInterval(() => this.query(), QUERY_EVERY_MS).unref())
    this.timers.push(setInterval(() => this.tick(), SWEEP_MS).unref())
  }

  async stop(): Promise<void> {
    const socket = this.socket
    if (!socket) return
    this.socket = null
    for (const timer of this.timers) clearTimeout(timer)
    this.timers = []
    this.table.clear()
    await closeMdns(socket)
  }

  /** Asks every Ferry host to answer now. */
  query(): void {
    const socket = this.socket
    if (!socket) return
    socket.query([{ name: SERVICE_TYPE, type: 'PTR' }], (err) => {
      if (err) this.emit('warning', err)
    })
  }

  private onResponse(packet: { answers?: Answer[]; additionals?: Answer[] }, rinfo: RemoteInfo): void {
    // The socket parsed the packet (dns-packet); what it holds is still untrusted: readInstances checks it all.
    const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])]
    const changes = this.table.apply(readInstances(records), rinfo.address, this.now())
    for (const change of changes) this.emit('change', change)
  }

  private tick(): void {
    const now = this.now()
    for (const change of this.table.sweep(now)) this.emit('change', change)
    if (this.table.dueForRefresh(now)) this.query()
  }
}
