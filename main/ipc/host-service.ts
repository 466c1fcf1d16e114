// Hosting: one FerryServer at a time for this app, its status, the addresses others can use to reach it, and its
// events forwarded to the renderer as HostEvent. With TLS the server presents this app's identity (from the data
// folder) and the status carries its fingerprint and a ferry:// pairing link for a QR code.
import { networkInterfaces } from 'node:os'
import { STOPPED_HOST_STATUS } from '../../preload/api'
import type { HostedClient, HostEvent, HostOptions, HostStatus } from '../../preload/api'
import { FerryError } from '../protocol/error-codes'
import { connectionUri, displayFingerprint } from '../security/fingerprint'
import type { Backends, HostedServer, ServerStartOptions } from './backends'
import { s3Location, S3SecretMemory } from './host-s3'
import { TransferDigest } from './host-transfer-digest'
import type { ServerTransfer } from './host-transfer-digest'
import type { SecureAccess } from './secure-access'
import type { ServiceEvents } from './service-events'
import type { WebServer } from '../web/web-server'

/** How long a stopping host lets running transfers finish before cancelling them. */
const STOP_GRACE_MS = 2_000

interface Running {
  server: HostedServer
  root: string
  bindAll: boolean
  /** The certificate's fingerprint when hosting with TLS. */
  fingerprint: string | null
  tokenRequired: boolean
  readOnly: boolean
  detach: () => void
  /** The web server letting browsers in (HostOptions.web), or null. */
  web?: WebServer | null
}

/** host:port strings others can use; IPv6 in brackets. Loopback only when the server is not bound to all. */
export function reachableAddresses(
  port: number,
  bindAll: boolean,
  interfaces = networkInterfaces(),
): string[] {
  if (!bindAll) return [`127.0.0.1:${port}`]
  const out: string[] = []
  for (const list of Object.values(interfaces)) {
    for (const info of list ?? []) {
      if (info.internal) continue
      // Link-local IPv6 needs a zone id to be usable and confuses people; IPv4 link-local is kept (direct cables).
      if (info.family === 'IPv6' && info.address.toLowerCase().startsWith('fe80')) continue
      out.push(info.family === 'IPv6' ? `[${info.address}]:${port}` : `${info.address}:${port}`)
    }
  }
  // IPv4 first: what people type.
  out.sort((a, b) => Number(a.startsWith('[')) - Number(b.startsWith('[')))
  return out.length > 0 ? out : [`127.0.0.1:${port}`]
}

export class HostService {
  private running: Running | null = null
  private readonly s3Secrets = new S3SecretMemory()
  private pending: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly events: ServiceEvents,
    private readonly backends: Pick<Backends, 'startServer'>,
    private readonly access: Pick<SecureAccess, 'identity' | 'saveHostSettings'>,
  ) {}

  start(options: HostOptions): Promise<HostStatus> {
    return this.serialize(async () => {
      if (this.running) throw new FerryError('BUSY', 'already hosting: stop the server first')
      const share = this.shareOf(options)
      const token = options.token?.trim()
      const identity = options.tls ? await this.access.identity() : null
      const server = await this.backends.startServer({
        ...share.start,
        port: options.port,
        host: options.bindAll ? '0.0.0.0' : '127.0.0.1',
        ...(token ? { token } : {}),
        ...(options.readOnly ? { readOnly: true } : {}),
        ...(identity ? { tls: { key: identity.key, cert: identity.cert } } : {}),
      })
      if (share.start.s3) this.s3Secrets.remember(share.start.s3)
      const web = await this.startWeb(options, server, token, identity).catch(async (err: unknown) => {
        await server.close({ graceMs: 0 })
        throw err
      })
      this.running = {
        web,
        server,
        root: share.shown,
        bindAll: options.bindAll,
        fingerprint: identity?.fingerprint ?? null,
        tokenRequired: Boolean(token),
        readOnly: options.readOnly === true,
        detach: this.forward(server),
      }
      const status = this.status()
      this.emit({ type: 'status', status })
      const how = [
        identity ? 'TLS' : 'no TLS',
        token ? 'access token required' : 'no access token',
        ...(options.readOnly ? ['read-only'] : []),
      ].join(', ')
      this.log('info', `hosting ${share.shown} on ${status.addresses.join(', ')} (${how})`)
      if (identity?.created) this.log('info', "created this computer's TLS certificate")
      if (status.webAddresses) this.log('info', `browsers are let in at ${status.webAddresses.join(', ')}`)
      // The settings file holds a folder form; an S3 form (and its secret above all) is not written to disk.
      if (options.root !== undefined) await this.remember({ ...options, root: options.root }, token)
      return status
    })
  }

  stop(): Promise<HostStatus> {
    return this.serialize(async () => {
      const running = this.running
      if (running) {
        this.running = null
        try {
          await running.web?.close()
          await running.server.close({ graceMs: STOP_GRACE_MS })
        } finally {
          running.detach()
        }
        this.log('info', 'server stopped')
      }
      const status = this.status()
      this.emit({ type: 'status', status })
      return status
    })
  }

  status(): HostStatus {
    const running = this.running
    if (!running) return STOPPED_HOST_STATUS
    const { port } = running.server.address()
    const addresses = reachableAddresses(port, running.bindAll)
    return {
      running: true,
      port,
      root: running.root,
      bindAll: running.bindAll,
      addresses,
      clients: running.server.clients().map(toHostedClient),
      tls: running.fingerprint !== null,
      fingerprint: running.fingerprint ? displayFingerprint(running.fingerprint) : null,
      pairingLink: running.fingerprint ? pairingLink(addresses[0], port, running.fingerprint) : null,
      tokenRequired: running.tokenRequired,
      readOnly: running.readOnly,
      ...(running.web
        ? {
            webAddresses: reachableAddresses(running.web.address().port, running.bindAll).map(
              (a) => `${running.fingerprint ? 'https' : 'http'}://${a}/`,
            ),
          }
        : {}),
    }
  }

  /** "Let browsers in": the web page and API (main/web) over the server's own store, with its token and TLS. */
  private async startWeb(
    options: HostOptions,
    server: HostedServer,
    token: string | undefined,
    identity: { key: string; cert: string } | null,
  ): Promise<WebServer | null> {
    if (!options.web) return null
    if (!server.store) throw new FerryError('UNSUPPORTED', 'this server cannot share its store with browsers')
    const { startWebServer } = await import('../web/web-server')
    return startWebServer({
      store: server.store,
      port: options.web.port,
      host: options.bindAll ? '0.0.0.0' : '127.0.0.1',
      ...(token ? { token } : {}),
      ...(options.readOnly ? { readOnly: true } : {}),
      ...(identity ? { tls: { key: identity.key, cert: identity.cert } } : {}),
      log: (level, message) => this.log(level, message),
    }).catch((err: unknown) => {
      const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined
      if (code === 'EADDRINUSE')
        throw new FerryError('BUSY', `port ${options.web?.port} for browsers is already in use: pick another`)
      throw err
    })
  }

  /** What to share, as the server takes it and as the status shows it. */
  private shareOf(options: HostOptions): { start: Pick<ServerStartOptions, 'root' | 's3'>; shown: string } {
    if (options.s3) {
      const s3 = this.s3Secrets.complete(options.s3)
      return { start: { s3 }, shown: s3Location(s3) }
    }
    if (options.root === undefined)
      throw new FerryError('INVALID_ARGUMENT', 'choose a folder or an S3 bucket to share')
    return { start: { root: options.root }, shown: options.root }
  }

  /** The form as it started hosting, token included, so the next app start offers the same (see getHostSettings). */
  private async remember(options: HostOptions & { root: string }, token: string | undefined): Promise<void> {
    try {
      await this.access.saveHostSettings({
        port: options.port,
        root: options.root,
        bindAll: options.bindAll,
        tls: options.tls === true,
        readOnly: options.readOnly === true,
        ...(token ? { token } : {}),
      })
    } catch (err: unknown) {
      // Hosting works without it; the user only loses the convenience, so say so and go on.
      this.log(
        'warn',
        `could not save the host settings: ${err instanceof Error ? err.message : String(err)}`,
      )
    }
  }

  /** Start and stop never overlap: a second click waits for the first to settle. */
  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const next = this.pending.then(task, task)
    this.pending = next.catch(() => undefined)
    return next
  }

  private forward(server: HostedServer): () => void {
    // Per-file transfer events are summed up (host-transfer-digest.ts): a folder job is one live entry and a
    // log line a second, not an entry and a line per file.
    const digest = new TransferDigest({
      emit: (event) => this.emit(event),
      log: (level, message) => this.log(level, message),
    })
    const listeners: Record<string, (payload: never) => void> = {
      'client-connected': (c: HostedClient) => {
        this.emit({ type: 'client-connected', client: toHostedClient(c) })
        this.log('info', `${c.address} connected, idle timeout ${Math.round(c.idleTimeoutMs / 1000)} s`)
      },
      'client-left': (c: { id: string; reason: string }) => {
        digest.clientLeft(c.id)
        this.emit({ type: 'client-left', clientId: c.id, reason: c.reason })
        this.log('info', `client ${c.id} left: ${c.reason}`)
      },
      transfer: (t: ServerTransfer) => digest.push(t),
      log: (l: Omit<Extract<HostEvent, { type: 'log' }>, 'type'>) => this.emit({ type: 'log', ...l }),
    }
    for (const [name, listener] of Object.entries(listeners)) server.on(name, listener)
    return () => {
      for (const [name, listener] of Object.entries(listeners)) server.off(name, listener)
      digest.close()
    }
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.emit({ type: 'log', level, message, time: Date.now() })
  }

  private emit(event: HostEvent): void {
    this.events.emit('host', event)
  }
}

/** The link for the first address others can use ('host:port' or '[v6]:port'). */
function pairingLink(address: string | undefined, port: number, fingerprint: string): string {
  const host = address ? address.slice(0, address.lastIndexOf(':')).replace(/^\[(.*)\]$/, '$1') : '127.0.0.1'
  return connectionUri(host, port, fingerprint)
}

function toHostedClient(c: HostedClient): HostedClient {
  return { id: c.id, address: c.address, connectedAt: c.connectedAt, idleTimeoutMs: c.idleTimeoutMs }
}
