// The live list of Ferry hosts heard on the network, without any I/O: answers go in with the address they came
// from and the time, changes come out. An entry leaves when its host says goodbye or when its TTL (at most
// MAX_TTL_SECONDS) runs out without a fresh answer. The table never holds more than MAX_ENTRIES hosts, so a flood
// of made-up answers cannot fill memory; answers about further hosts are dropped until some leave.
import type { InstanceAnswer } from './answers'
import { MAX_ENTRIES } from './constants'
import type { FerryTxt } from './txt-record'

export interface DiscoveredHost extends FerryTxt {
  /** Stable key of this entry: instance name and the address it answered from. */
  id: string
  /** The DNS-SD instance name (without ._ferry._tcp.local). */
  instance: string
  /**
   * The address the answer came from, not an address the answer claims: a spoofed answer can only point at its
   * own sender, never send people to a third machine.
   */
  host: string
  port: number
  /** When this entry expires unless refreshed, ms since the epoch. */
  expiresAt: number
}

export type DiscoveryChange =
  | { type: 'add' | 'update'; host: DiscoveredHost }
  | { type: 'remove'; id: string; reason: 'goodbye' | 'expired' }

export class NearbyTable {
  private readonly entries = new Map<string, DiscoveredHost>()
  /** When to ask about an entry again: at 80% of its TTL, then halfway to its expiry each time. */
  private readonly refreshAt = new Map<string, number>()
  /** Answers dropped because the table was full (for a log line, not for anything to depend on). */
  dropped = 0

  constructor(private readonly maxEntries = MAX_ENTRIES) {}

  list(): DiscoveredHost[] {
    return [...this.entries.values()]
  }

  /** Applies the instances read from one response that came from `address`. */
  apply(answers: readonly InstanceAnswer[], address: string, now: number): DiscoveryChange[] {
    const changes: DiscoveryChange[] = []
    for (const answer of answers) {
      const id = `${answer.instance.toLowerCase()}@${address}`
      const existing = this.entries.get(id)
      if (answer.kind === 'goodbye') {
        // Only the sender of an entry can say goodbye for it: the id holds the address it came from.
        if (existing) {
          this.delete(id)
          changes.push({ type: 'remove', id, reason: 'goodbye' })
        }
        continue
      }
      if (!existing && this.entries.size >= this.maxEntries) {
        this.dropped++
        continue
      }
      const entry: DiscoveredHost = {
        id,
        instance: answer.instance,
        host: address,
        port: answer.port,
        ...answer.txt,
        expiresAt: now + answer.ttlSeconds * 1000,
      }
      this.entries.set(id, entry)
      this.refreshAt.set(id, now + answer.ttlSeconds * 800)
      if (!existing) changes.push({ type: 'add', host: entry })
      else if (!sameHost(existing, entry)) changes.push({ type: 'update', host: entry })
    }
    return changes
  }

  /** Removes the entries whose TTL ran out by `now`. */
  sweep(now: number): DiscoveryChange[] {
    const changes: DiscoveryChange[] = []
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt > now) continue
      this.delete(id)
      changes.push({ type: 'remove', id, reason: 'expired' })
    }
    return changes
  }

  /**
   * Whether some entry is near the end of its TTL and should be asked about (RFC 6762 §5.2): a host still there
   * answers and stays listed. Each due entry is next due halfway between now and its expiry.
   */
  dueForRefresh(now: number): boolean {
    let due = false
    for (const [id, at] of this.refreshAt) {
      if (at > now) continue
      due = true
      const entry = this.entries.get(id)
      if (entry) this.refreshAt.set(id, now + Math.max(250, (entry.expiresAt - now) / 2))
    }
    return due
  }

  clear(): void {
    this.entries.clear()
    this.refreshAt.clear()
  }

  private delete(id: string): void {
    this.entries.delete(id)
    this.refreshAt.delete(id)
  }
}

/** Same facts, expiry aside: a refresh that changes nothing visible is not an update. */
function sameHost(a: DiscoveredHost, b: DiscoveredHost): boolean {
  return (
    a.port === b.port &&
    a.name === b.name &&
    a.protocol === b.protocol &&
    a.tls === b.tls &&
    a.fingerprint === b.fingerprint &&
    a.tokenRequired === b.tokenRequired
  )
}
