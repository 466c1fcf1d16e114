// The Ferry TCP server: accepts sockets on one event loop, greets each with HELLO (its idle timeout depends on
// how busy the server is), turns away connections over the limit with a BUSY notice, and stops gracefully.
import { EventEmitter } from 'node:events'
import net from 'node:net'
import os from 'node:os'
import tls from 'node:tls'
import { FerryError, fromSystemError } from '../protocol/error-codes'
import { DEFAULT_IDLE_POLICY, idleTimeoutFor, type IdlePolicy } from '../protocol/idle-policy'
import { MAX_HEADER_BYTES, MAX_NAME_BYTES, MAX_PATH_BYTES, MAX_PATH_DEPTH } from '../protocol/limits'
import { encodeHeader } from '../protocol/frame-codec'
import { makeHello } from '../protocol/messages'
import { Connection } from './connection'
import type { SessionContext } from './dispatch'
import type { ClientInfo, EventSink, LogEvent, ServerEventMap, TransferEvent } from './events'
import { KeyedMutex } from '../fs-io/keyed-mutex'
import { LocalStore } from '../store/local/local-store'
import type { ShareStore } from '../store/share-store'
import { BatchBudget } from './put-batch'
import { ConnectionLimiter } from '../security/connection-limiter'
import { FailureLimiter, type FailureLimiterOptions } from '../security/failure-limiter'
import { ProgressMonitor, type ProgressPolicy } from '../security/progress-monitor'
import { RequestRateLimiter } from '../security/request-rate'
import { ShareQuota } from '../security/share-quota'
import { TokenVerifier } from '../security/token'
import type { FileHashCache } from '../store/local/file-hash-cache'
import type { SmallFileCacheOptions } from '../store/local/small-file-cache'
import { installPlaintextProbe, tlsServerOptions } from '../security/tls-options'

export interface ServerOptions {
  /** Shared folder (created if missing): the share is a LocalStore over it. Ignored when `store` is given. */
  root?: string
  /** The share on another store (an S3Store); the server closes it on close(). */
  store?: ShareStore
  /** Default 0 (any free port); the CLI picks 7420. */
  port?: number
  /** Default '127.0.0.1'; '0.0.0.0' only when asked. */
  host?: string
  /** Shown in HELLO; default os.hostname(). */
  name?: string
  idlePolicy?: Partial<IdlePolicy>
  /** Default 20000; a connection over it gets a BUSY notice and is closed. */
  maxConnections?: number
  readOnly?: boolean
  /** When set, clients must AUTH with this token first (HELLO says auth: 'token'). */
  token?: string
  /** Largest file a PUT may declare (TOO_LARGE above it); unlimited when absent. */
  maxFileBytes?: number
  /**
   * Default true: small GETs use synchronous fs calls while they stay fast (see sync-gate.ts). False forces
   * thread-pool I/O everywhere, e.g. for a share on a network drive.
   */
  fastSmallReads?: boolean
  /**
   * Small files' content and SHA-256 kept for repeated GETs (small-file-cache.ts): default 64 MiB; maxBytes 0
   * turns it off. Only used while fastSmallReads is on.
   */
  smallFileCache?: Partial<SmallFileCacheOptions>
  /**
   * Whole-file SHA-256 of streamed (large) files kept by identity for repeated and resumed GETs
   * (file-hash-cache.ts). Default: a new cache of 4096 files; pass one to keep hashes across server restarts
   * (the app's host toggle), or null to turn it off.
   */
  fileHashCache?: FileHashCache | null
  /** TLS identity (see security/tls-identity.ts): the server then speaks TLS only and HELLO says tls: true. */
  tls?: { key: string; cert: string }
  /** Default 256 (IPv6 counted per /64); over it a connection gets a BUSY notice and is closed. */
  maxConnectionsPerAddress?: number
  /** Slowloris guard: header deadline, minimum upload rate, drain timeout (security/progress-monitor.ts). */
  progress?: Partial<ProgressPolicy>
  /** With a token: how long a client may take to AUTH after connecting. Default 15 s. */
  authTimeoutMs?: number
  /** Limits on wrong tokens per address (security/failure-limiter.ts); mainly for tests. */
  authFailures?: Partial<Omit<FailureLimiterOptions, 'now'>>
  /** Most bytes the share may hold; a PUT that would exceed it fails QUOTA_EXCEEDED before any byte is written. */
  quotaBytes?: number
  /** Optional: most requests per second from one address (burst twice that); over it RATE_LIMITED. */
  requestsPerSecond?: number
  /**
   * How long a resume PUT waits for a live upload that holds the same partial (usually the client's previous
   * connection, dropped but not yet noticed) before it gets a private temp file. Default 2000 ms.
   */
  resumeWaitMs?: number
  /**
   * Staged uploads nobody touched for `olderThanMs` (clients that never came back; on S3 abandoned multipart
   * uploads, which the store bills) are removed every `everyMs`, the first time just after start. Default: every
   * hour, those older than a day; null turns it off (another server over the same store may do it).
   */
  sweep?: { everyMs: number; olderThanMs: number } | null
}

export const DEFAULT_SWEEP = { everyMs: 60 * 60 * 1000, olderThanMs: 24 * 60 * 60 * 1000 }

export const DEFAULT_MAX_CONNECTIONS = 20_000
export const DEFAULT_GRACE_MS = 5_000
export const DEFAULT_AUTH_TIMEOUT_MS = 15_000
/** PUT_BATCH bodies held in memory at once across all sessions (each is at most MAX_BATCH_BYTES). */
const BATCH_BUDGET_BYTES = 64 * 1024 * 1024

function openLocal(options: ServerOptions): Promise<LocalStore> {
  if (options.root === undefined)
    throw new FerryError('INVALID_ARGUMENT', 'a server needs a root folder or a store')
  return LocalStore.open(options.root, {
    fastSmallReads: options.fastSmallReads,
    smallFileCache: options.smallFileCache,
    fileHashCache: options.fileHashCache,
    resumeWaitMs: options.resumeWaitMs,
  })
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

function resolvePolicy(partial: Partial<IdlePolicy> | undefined): IdlePolicy {
  const policy = { ...DEFAULT_IDLE_POLICY, ...partial }
  const { minMs, maxMs, halfAt } = policy
  if (![minMs, maxMs, halfAt].every((v) => Number.isFinite(v) && v > 0) || minMs > maxMs) {
    throw new FerryError('INVALID_ARGUMENT', `invalid idle policy: need 0 < minMs <= maxMs and halfAt > 0`)
  }
  return policy
}

export class FerryServer extends EventEmitter<ServerEventMap> implements EventSink {
  private readonly connections = new Map<string, Connection>()
  private readonly rejected = new Set<net.Socket>()
  private nextId = 1
  private closing: Promise<void> | null = null
  private readonly hello: Omit<Parameters<typeof makeHello>[0], 'idleTimeoutMs'>
  private readonly ctx: SessionContext
  private readonly limiter: ConnectionLimiter
  private sweepTimer: ReturnType<typeof setInterval> | null = null
  private sweeping: Promise<void> | null = null

  private constructor(
    private readonly server: net.Server,
    store: ShareStore,
    options: ServerOptions,
    private readonly policy: IdlePolicy,
    private readonly maxConnections: number,
  ) {
    super()
    this.ctx = {
      store,
      events: this,
      readOnly: options.readOnly ?? false,
      locks: new KeyedMutex(),
      token: options.token ?? null,
      verifier: options.token === undefined ? null : new TokenVerifier(options.token),
      authFailures: new FailureLimiter(options.authFailures),
      progress: new ProgressMonitor(options.progress),
      authTimeoutMs: options.authTimeoutMs ?? DEFAULT_AUTH_TIMEOUT_MS,
      quota: options.quotaBytes === undefined ? undefined : new ShareQuota(store, options.quotaBytes),
      requestRate:
        options.requestsPerSecond === undefined
          ? undefined
          : new RequestRateLimiter({ perSecond: options.requestsPerSecond }),
      maxFileBytes: options.maxFileBytes,
      batchBudget: new BatchBudget(BATCH_BUDGET_BYTES),
    }
    const ctx = this.ctx
    this.limiter = new ConnectionLimiter({
      maxTotal: maxConnections,
      maxPerAddress: options.maxConnectionsPerAddress ?? 256,
    })
    if (store instanceof LocalStore) store.ctx.syncGate.onClose = (why) => this.log('warn', why)
    const name = options.name ?? os.hostname()
    this.hello = {
      server: name.slice(0, 256),
      auth: ctx.token === null ? 'none' : 'token',
      tls: options.tls !== undefined,
      readOnly: ctx.readOnly,
      limits: {
        maxHeaderBytes: MAX_HEADER_BYTES,
        maxNameBytes: MAX_NAME_BYTES,
        maxPathBytes: MAX_PATH_BYTES,
        maxPathDepth: MAX_PATH_DEPTH,
      },
    }
    // Per-address caps apply to raw TCP connections, before any TLS work is spent on them.
    server.on('connection', (socket: net.Socket) => this.admit(socket))
    if (server instanceof tls.Server) {
      server.on('secureConnection', (socket) => this.accept(socket))
      server.on('tlsClientError', (err, socket) => {
        socket.destroy()
        this.log('warn', `TLS handshake failed from ${socket.remoteAddress ?? '?'}: ${err.message}`)
      })
    }
    server.on('error', (err) => this.log('error', `server error: ${err.message}`))
  }

  /** Opens the share (sweeping stale uploads) and listens; resolves once listening. */
  static async start(options: ServerOptions): Promise<FerryServer> {
    const policy = resolvePolicy(options.idlePolicy)
    const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS
    if (!Number.isSafeInteger(maxConnections) || maxConnections < 1) {
      throw new FerryError('INVALID_ARGUMENT', 'maxConnections must be a positive integer')
    }
    const sweep = options.sweep === undefined ? DEFAULT_SWEEP : options.sweep
    if (sweep && !(sweep.everyMs >= 10 && sweep.everyMs <= 2 ** 31 - 1 && sweep.olderThanMs >= 0)) {
      throw new FerryError('INVALID_ARGUMENT', 'sweep needs 10 <= everyMs < 2^31 and olderThanMs >= 0')
    }
    const store = options.store ?? (await openLocal(options))
    const server = options.tls
      ? tls.createServer({ ...tlsServerOptions(options.tls), noDelay: true })
      : net.createServer({ noDelay: true })
    if (server instanceof tls.Server) installPlaintextProbe(server)
    const ferry = new FerryServer(server, store, options, policy, maxConnections)
    const host = options.host ?? '127.0.0.1'
    const port = options.port ?? 0
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error): void => reject(fromSystemError(err, `cannot listen on ${host}:${port}`))
      server.once('error', fail)
      server.listen(port, host, () => {
        server.off('error', fail)
        resolve()
      })
    })
    ferry.log('info', `sharing ${store.location} on ${ferry.address().host}:${ferry.address().port}`)
    if (sweep) ferry.startSweeping(sweep.everyMs, sweep.olderThanMs)
    return ferry
  }

  /** Where the share lives: a folder's real path, or s3://bucket/prefix. */
  get root(): string {
    return this.ctx.store.location
  }

  /** The share's store, for a web server beside this one (main/web) to serve the same files; closed by close(). */
  get store(): ShareStore {
    return this.ctx.store
  }

  address(): { host: string; port: number } {
    const address = this.server.address()
    if (address === null || typeof address === 'string')
      throw new FerryError('INTERNAL', 'server is not listening')
    return { host: address.address, port: address.port }
  }

  clients(): ClientInfo[] {
    return [...this.connections.values()].map((c) => ({ ...c.info }))
  }

  get wantsTransfers(): boolean {
    return this.listenerCount('transfer') > 0
  }

  emitTransfer(event: TransferEvent): void {
    this.emit('transfer', event)
  }

  log(level: LogEvent['level'], message: string): void {
    this.emit('log', { level, message, time: Date.now() })
  }

  /**
   * Stops accepting, lets running transfers finish for up to graceMs, then ends the rest with a SHUTTING_DOWN
   * notice. Resolves once every socket is gone.
   */
  close(options: { graceMs?: number } = {}): Promise<void> {
    this.closing ??= this.shutdown(options.graceMs ?? DEFAULT_GRACE_MS)
    return this.closing
  }

  private async shutdown(graceMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    for (const socket of this.rejected) socket.destroy()
    for (const connection of this.connections.values()) connection.shutdown()
    const timer = setTimeout(() => {
      for (const connection of this.connections.values()) {
        connection.closeWith('SHUTTING_DOWN', 'the server is shutting down', 'server shutting down', {
          force: true,
        })
      }
    }, graceMs)
    try {
      await closed
    } finally {
      clearTimeout(timer)
    }
    this.ctx.progress.close()
    if (this.sweepTimer) clearInterval(this.sweepTimer)
    await this.sweeping
    await this.ctx.store.close()
    this.log('info', 'server stopped')
  }

  private startSweeping(everyMs: number, olderThanMs: number): void {
    const run = (): void => {
      if (this.sweeping || this.closing) return
      this.sweeping = this.ctx.store
        .sweep(olderThanMs)
        .then(
          ({ stagedRemoved }) => {
            if (stagedRemoved > 0) this.log('info', `removed ${stagedRemoved} abandoned upload(s)`)
          },
          (err: unknown) => this.log('warn', `sweeping abandoned uploads failed: ${describe(err)}`),
        )
        .finally(() => (this.sweeping = null))
    }
    this.sweepTimer = setInterval(run, everyMs)
    this.sweepTimer.unref()
    run()
  }

  /** Counts a raw connection against the limits; a plaintext one goes straight on to accept(). */
  private admit(socket: net.Socket): void {
    if (this.closing) {
      socket.destroy()
      return
    }
    const admitted = this.limiter.admit(socket.remoteAddress)
    if (!admitted.admitted) {
      // A TLS client could not read a plaintext notice: it is just closed.
      if (this.server instanceof tls.Server) socket.destroy()
      else this.reject(socket, admitted.message)
      return
    }
    socket.once('close', () => admitted.lease.release())
    if (!(this.server instanceof tls.Server)) this.accept(socket)
  }

  private accept(socket: net.Socket): void {
    if (this.closing) {
      socket.destroy()
      return
    }
    const info = {
      id: `c${this.nextId++}`,
      address: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`,
      connectedAt: Date.now(),
      idleTimeoutMs: idleTimeoutFor(this.connections.size + 1, this.policy),
    }
    const connection = new Connection(socket, this.ctx, info, (c, reason) => {
      this.connections.delete(c.info.id)
      this.emit('client-left', { id: c.info.id, reason })
    })
    this.connections.set(info.id, connection)
    connection.send(makeHello({ ...this.hello, idleTimeoutMs: info.idleTimeoutMs }))
    this.emit('client-connected', { ...info })
  }

  private reject(socket: net.Socket, why: string): void {
    this.rejected.add(socket)
    socket.on('error', () => undefined)
    socket.on('close', () => this.rejected.delete(socket))
    socket.end(encodeHeader({ type: 'notice', error: { code: 'BUSY', message: why } }))
    socket.resume()
    setTimeout(() => socket.destroy(), 2000).unref()
    this.log('warn', `refused a connection: ${why}`)
  }
}
