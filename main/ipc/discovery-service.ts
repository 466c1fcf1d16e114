// Discovery for the app: the Connect view's live "Nearby" list (a Discoverer started on first ask) and this
// computer's announcement while it hosts. The announcement follows the host's status events: it runs while a
// server is up with network access (bindAll) and announcing is not switched off, and carries the server's port,
// TLS fingerprint and whether a token is needed; it is redone when any of those change.
import { hostname } from 'node:os'
import type { HostStatus, NearbyHost } from '../../preload/api'
import { Announcer, Discoverer } from '../discovery'
import type { DiscoveredHost, DiscoveryChange, MdnsTransport } from '../discovery'
import type { ServiceEvents } from './service-events'

export interface DiscoveryServiceOptions {
  /** Where the mDNS sockets listen and send (tests keep them on loopback); the mDNS defaults otherwise. */
  transport?: MdnsTransport
  /** The name announced; default this computer's host name. */
  name?: string
}

export class DiscoveryService {
  private discoverer: Discoverer | null = null
  private announcer: { announcer: Announcer; key: string } | null = null
  private announceEnabled = true
  private hostStatus: HostStatus | null = null
  /** Announcer changes run one after another, so a stop and a start never overlap. */
  private pending: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly events: ServiceEvents,
    private readonly options: DiscoveryServiceOptions = {},
  ) {
    events.on('host', (event) => {
      if (event.type !== 'status') return
      this.hostStatus = event.status
      void this.syncAnnouncer()
    })
  }

  async browse(): Promise<NearbyHost[]> {
    if (!this.discoverer) {
      const discoverer = new Discoverer(this.options.transport ? { transport: this.options.transport } : {})
      discoverer.on('change', (change) => this.forward(change))
      // A send that failed (no network yet) does not stop the list; the next query may get through.
      discoverer.on('warning', () => undefined)
      this.discoverer = discoverer
      try {
        await discoverer.start()
      } catch (err: unknown) {
        this.discoverer = null
        throw err
      }
    }
    return this.discoverer.list().map(toNearby)
  }

  async stopBrowsing(): Promise<null> {
    const discoverer = this.discoverer
    this.discoverer = null
    await discoverer?.stop()
    return null
  }

  /** Switches announcing on or off; resolves whether the server is announced now. */
  async setAnnounce(enabled: boolean): Promise<boolean> {
    this.announceEnabled = enabled
    await this.syncAnnouncer()
    return this.announcer !== null
  }

  async dispose(): Promise<void> {
    this.announceEnabled = false
    await Promise.allSettled([this.stopBrowsing(), this.syncAnnouncer()])
  }

  private syncAnnouncer(): Promise<void> {
    const next = this.pending.then(() => this.applyAnnouncer())
    this.pending = next.catch(() => undefined)
    return next
  }

  private async applyAnnouncer(): Promise<void> {
    const status = this.hostStatus
    const wanted = this.announceEnabled && status?.running === true && status.bindAll && status.port !== null
    const key = wanted ? JSON.stringify([status.port, status.fingerprint, status.tokenRequired]) : null
    if (this.announcer && this.announcer.key === key) return
    if (this.announcer) {
      const { announcer } = this.announcer
      this.announcer = null
      await announcer.stop()
      this.log('info', 'no longer announced on the LAN')
    }
    if (!wanted || key === null || status.port === null) return
    const announcer = new Announcer({
      name: this.options.name ?? hostname(),
      port: status.port,
      tls: status.fingerprint !== null,
      // HostStatus shows the fingerprint for reading (groups and lines); the announcer takes any spelling.
      fingerprint: status.fingerprint?.replace(/\s/g, '') ?? null,
      tokenRequired: status.tokenRequired,
      ...(this.options.transport ? { transport: this.options.transport } : {}),
    })
    try {
      await announcer.start()
      this.announcer = { announcer, key }
      this.log('info', `announced on the LAN as "${announcer.instance}"`)
    } catch (err: unknown) {
      // Hosting works without it: say so in the host log and go on.
      this.log('warn', `could not announce on the LAN: ${err instanceof Error ? err.message : String(err)}`)
    }
  }

  private forward(change: DiscoveryChange): void {
    this.events.emit(
      'nearby',
      change.type === 'remove'
        ? { type: 'remove', id: change.id }
        : { type: change.type, host: toNearby(change.host) },
    )
  }

  private log(level: 'info' | 'warn', message: string): void {
    this.events.emit('host', { type: 'log', level, message, time: Date.now() })
  }
}

function toNearby(h: DiscoveredHost): NearbyHost {
  return {
    id: h.id,
    name: h.name,
    host: h.host,
    port: h.port,
    protocol: h.protocol,
    tls: h.tls,
    fingerprint: h.fingerprint,
    tokenRequired: h.tokenRequired,
  }
}
