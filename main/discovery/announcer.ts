// Announces one Ferry host as _ferry._tcp.local: answers queries for the service type, the instance and the
// host name, announces itself unasked on start (RFC 6762 §8.3), and says goodbye (the same records with TTL 0,
// §10.1) on stop so browsers drop it at once instead of waiting out the TTL.
import { hostname, networkInterfaces } from 'node:os'
import type { RemoteInfo } from 'node:dgram'
import type { Answer, Question } from 'dns-packet'
import { PROTOCOL_VERSION } from '../protocol/limits'
import { ANNOUNCE_COUNT, ANNOUNCE_INTERVAL_MS, DEFAULT_TTL_SECONDS, SERVICE_TYPE } from './constants'
import { encodeTxt, truncate } from './txt-record'
import { closeMdns, openMdns, whenReady, type MdnsSocket, type MdnsTransport } from './transport'

export interface AnnounceOptions {
  /** The server's name shown to people (the TXT name). */
  name: string
  port: number
  tls: boolean
  /** The certificate fingerprint when tls ('AB:CD:...' or plain hex). */
  fingerprint?: string | null
  tokenRequired: boolean
  /** TTL of the records; browsers drop a host that vanished without a goodbye after this. Default 120 s. */
  ttlSeconds?: number
  transport?: MdnsTransport
}

/** Multicast answers to queries at most this often (RFC 6762 §6): a query flood gets one answer a second. */
const MIN_ANSWER_GAP_MS = 1_000

export class Announcer {
  private socket: MdnsSocket | null = null
  private timers: NodeJS.Timeout[] = []
  private lastMulticastAnswer = 0
  readonly instance: string
  private readonly target: string

  constructor(private readonly options: AnnounceOptions) {
    // The port makes two servers on one machine two instances.
    this.instance = truncate(`${options.name} (${options.port})`)
    this.target = `${dnsLabel(hostname())}.local`
  }

  get running(): boolean {
    return this.socket !== null
  }

  async start(): Promise<void> {
    if (this.socket) return
    const socket = openMdns(this.options.transport)
    this.socket = socket
    socket.on('query', (query, rinfo) => this.onQuery(query.questions ?? [], rinfo))
    // A malformed packet or a failed send must not stop the announcer.
    socket.on('warning', () => undefined)
    try {
      await whenReady(socket)
    } catch (err: unknown) {
      this.socket = null
      await closeMdns(socket)
      throw err
    }
    socket.on('error', () => undefined)
    for (let i = 0; i < ANNOUNCE_COUNT; i++)
      this.timers.push(setTimeout(() => this.announce(), i * ANNOUNCE_INTERVAL_MS).unref())
  }

  /** Says goodbye and closes the socket. */
  async stop(): Promise<void> {
    const socket = this.socket
    if (!socket) return
    this.socket = null
    for (const timer of this.timers) clearTimeout(timer)
    this.timers = []
    const goodbye = this.records(0)
    await new Promise<void>((resolve) => socket.respond({ answers: goodbye.answers }, () => resolve()))
    await closeMdns(socket)
  }

  private announce(): void {
    const socket = this.socket
    if (!socket) return
    this.lastMulticastAnswer = Date.now()
    socket.respond(this.records(this.ttl()), () => undefined)
  }

  private onQuery(questions: readonly Question[], rinfo: RemoteInfo): void {
    const socket = this.socket
    if (!socket || !questions.some((q) => this.asksForUs(q))) return
    const port = this.options.transport?.port ?? 5353
    // A query from another port is a plain DNS client (RFC 6762 §6.7): it gets its answer sent back directly.
    if (rinfo.port !== port) {
      socket.respond(this.records(this.ttl()), { port: rinfo.port, address: rinfo.address }, () => undefined)
      return
    }
    const now = Date.now()
    if (now - this.lastMulticastAnswer < MIN_ANSWER_GAP_MS) return
    this.lastMulticastAnswer = now
    socket.respond(this.records(this.ttl()), () => undefined)
  }

  private asksForUs(q: Question): boolean {
    if (typeof q.name !== 'string') return false
    const name = q.name.toLowerCase()
    // dns-packet decodes qtype 255 as 'ANY', which its types leave out.
    const any = (q.type as string) === 'ANY'
    if (name === SERVICE_TYPE) return any || q.type === 'PTR'
    if (name === `${this.instance}.${SERVICE_TYPE}`.toLowerCase())
      return any || q.type === 'SRV' || q.type === 'TXT'
    return name === this.target.toLowerCase() && (any || q.type === 'A')
  }

  private ttl(): number {
    return this.options.ttlSeconds ?? DEFAULT_TTL_SECONDS
  }

  /** PTR as the answer, SRV, TXT and the host's addresses as additional records (RFC 6763 §12.1). */
  private records(ttl: number): { answers: Answer[]; additionals: Answer[] } {
    const full = `${this.instance}.${SERVICE_TYPE}`
    const o = this.options
    const txt = encodeTxt({
      protocol: PROTOCOL_VERSION,
      name: o.name,
      tls: o.tls,
      fingerprint: o.tls ? (o.fingerprint ?? null) : null,
      tokenRequired: o.tokenRequired,
    })
    const srv: Answer = { type: 'SRV', name: full, ttl, data: { port: o.port, target: this.target } }
    const txtRecord: Answer = { type: 'TXT', name: full, ttl, data: txt }
    const addresses: Answer[] =
      ttl === 0 ? [] : this.addresses().map((a) => ({ type: 'A', name: this.target, ttl, data: a }))
    return {
      answers: [{ type: 'PTR', name: SERVICE_TYPE, ttl, data: full }, ...(ttl === 0 ? [srv, txtRecord] : [])],
      additionals: ttl === 0 ? [] : [srv, txtRecord, ...addresses],
    }
  }

  private addresses(): string[] {
    const only = this.options.transport?.interface ?? process.env['FERRY_MDNS_INTERFACE']?.trim()
    if (only) return [only]
    return Object.values(networkInterfaces())
      .flatMap((list) => list ?? [])
      .filter((a) => a.family === 'IPv4' && !a.internal)
      .map((a) => a.address)
  }
}

/** A host name usable as one DNS label: letters, digits and hyphens. */
function dnsLabel(name: string): string {
  const label =
    name
      .split('.')[0]
      ?.replace(/[^A-Za-z0-9-]/g, '-')
      .slice(0, 63) ?? ''
  return label.length > 0 ? label : 'ferry-host'
}
