// The window's one connection to a remote Ferry server: connect/disconnect with ConnectionState events, and the
// browse operations (list, mkdir, rename, delete). Transfers open their own clients (see transfer-service.ts).
import type { ConnectionInfo, ConnectionState, ConnectTarget, RemoteEntry } from '../../preload/api'
import { FerryError } from '../protocol/error-codes'
import { baseName, joinRelativePath } from '../protocol/paths'
import type { RemoteClient } from './backends'
import { toApiError } from './result'
import type { Connector, ServerTarget } from './secure-access'
import type { ServiceEvents } from './service-events'

interface Current {
  target: ServerTarget
  client: RemoteClient
  info: ConnectionInfo
  /** The link dropped (not for idleness) and no request has got through since. */
  dropped: boolean
}

export class ConnectionService {
  private current: Current | null = null
  /** Bumped by every connect/disconnect so a stale connect attempt cannot install its client. */
  private generation = 0
  private attempt: AbortController | null = null
  /** The last state announced, for a page that (re)loads while a connection stands. */
  private last: ConnectionState = { state: 'disconnected' }

  constructor(
    private readonly events: ServiceEvents,
    private readonly backends: Connector,
  ) {}

  /**
   * The server this window talks to (used by transfers and the perf test's 'connected' target), with the
   * fingerprint its connection verified so they pin that very certificate.
   */
  target(): ServerTarget | null {
    const current = this.current
    if (!current) return null
    const fingerprint = current.client.fingerprint
    return { ...current.target, ...(fingerprint ? { fingerprint } : {}) }
  }

  async connect(requested: ConnectTarget): Promise<ConnectionInfo> {
    const token = requested.token?.trim()
    const expected = requested.fingerprint
    const target: ConnectTarget = {
      host: requested.host,
      port: requested.port,
      ...(token ? { token } : {}),
      // A fingerprint is only worth anything over TLS: giving one means TLS.
      ...(requested.tls || expected ? { tls: true } : {}),
      ...(expected ? { fingerprint: expected } : {}),
    }
    await this.disconnect('replaced by a new connection', false)
    const generation = ++this.generation
    const attempt = new AbortController()
    this.attempt = attempt
    this.emit({ state: 'connecting', host: target.host, port: target.port })
    try {
      // A fingerprint the user gave is stored once it matched, so later plain TLS connects trust the server.
      const remember = expected ? { remember: true } : {}
      const client = await this.backends.connect({ ...target, ...remember, signal: attempt.signal })
      if (generation !== this.generation) {
        await client.close()
        throw new FerryError('CANCELLED', 'connection attempt replaced')
      }
      const info = infoOf(target, client)
      this.current = { target: { ...target }, client, info, dropped: false }
      this.watch(client, generation)
      this.emit({ state: 'connected', info })
      return info
    } catch (err: unknown) {
      if (generation === this.generation) this.emit({ state: 'error', error: toApiError(err) })
      throw err
    } finally {
      if (this.attempt === attempt) this.attempt = null
    }
  }

  async disconnect(reason?: string, announce = true): Promise<null> {
    this.generation++
    this.attempt?.abort()
    this.attempt = null
    const current = this.current
    this.current = null
    if (current) await current.client.close()
    if (announce) this.emit(reason ? { state: 'disconnected', reason } : { state: 'disconnected' })
    return null
  }

  async list(path: string): Promise<RemoteEntry[]> {
    const entries = await this.use((c) => c.list(path))
    return entries.map((e) => ({
      name: e.name,
      path: joinRelativePath(path, e.name),
      type: e.type,
      size: e.size,
      mtimeMs: e.mtimeMs,
    }))
  }

  async stat(path: string): Promise<RemoteEntry> {
    const entry = await this.use((c) => c.stat(path))
    return {
      name: baseName(entry.path),
      path: entry.path,
      type: entry.type,
      size: entry.size,
      mtimeMs: entry.mtimeMs,
    }
  }

  async mkdir(path: string): Promise<RemoteEntry> {
    const created = await this.use((c) => c.mkdir(path))
    return this.stat(created)
  }

  async rename(from: string, to: string): Promise<RemoteEntry> {
    const renamed = await this.use((c) => c.rename(from, to, { mode: 'fail' }))
    return this.stat(renamed)
  }

  async delete(path: string, recursive: boolean): Promise<null> {
    await this.use((c) => c.delete(path, { recursive }))
    return null
  }

  /**
   * Runs one request on the window's client. A FerryClient reopens its connection by itself when the last one
   * dropped, so after a drop the next request reconnects; when it gets through, the UI hears 'connected' again.
   */
  private async use<T>(request: (client: RemoteClient) => Promise<T>): Promise<T> {
    const current = this.current
    if (!current) throw new FerryError('CONNECTION_CLOSED', 'not connected to a server')
    const result = await request(current.client)
    if (current.dropped && this.current === current) {
      current.dropped = false
      current.info = infoOf(current.target, current.client)
      this.emit({ state: 'connected', info: current.info })
    }
    return result
  }

  private watch(client: RemoteClient, generation: number): void {
    client.on('close', (reason) => {
      const current = this.current
      if (generation !== this.generation || !current || current.client !== client) return
      // An idle timeout is the server's housekeeping, not news: the next request quietly reconnects.
      if (reason?.code === 'TIMEOUT') return
      current.dropped = true
      this.emit({
        state: 'disconnected',
        reason: reason ? reason.message : 'the server closed the connection',
      })
    })
  }

  /** What the window's connection is now, as last announced. */
  state(): ConnectionState {
    return this.last
  }

  private emit(state: ConnectionState): void {
    this.last = state
    this.events.emit('connection', state)
  }
}

function infoOf(target: ConnectTarget, client: RemoteClient): ConnectionInfo {
  return {
    host: target.host,
    port: target.port,
    serverName: client.hello.server,
    protocol: client.hello.protocol,
    idleTimeoutMs: client.idleTimeoutMs,
    readOnly: client.hello.readOnly,
    tls: client.fingerprint !== null,
    fingerprint: client.fingerprint,
  }
}
