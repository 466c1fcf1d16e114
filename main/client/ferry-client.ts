// FerryClient: one lazily (re)opened connection, requests run strictly one at a time in call order. The
// connection may close under it (idle budget, server restart, cancel); the next request simply reconnects.
import { createHash } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { z } from 'zod'
import { FerryError } from '../protocol/error-codes'
import { ResponseSchemas, type Entry, type Hello, type OverwriteMode } from '../protocol/messages'
import { parseRelativePath } from '../protocol/paths'
import type { Connection } from './connection'
import { openConnection } from './handshake'
import { downloadFile, type TransferResult } from './download'
import { exchange, throwIfAborted, type Link } from './link'
import { ProgressMeter, type Progress } from './progress'
import { checkBuffer, getExchange, listExchange, putExchange, treeExchange } from './small-exchanges'
import { hasFeature, type JobHost } from './job-host'
import type { TreePage } from './job-plan'
import type { DownloadJobOptions, JobFile, JobResult, UploadJobOptions } from './job-types'
import { downloadTree, uploadFiles, uploadTree } from './tree'
import { uploadFile } from './upload'
import type { PinPolicy } from '../security/tls-options'

export interface ConnectOptions {
  host: string
  port: number
  token?: string
  connectTimeoutMs?: number
  signal?: AbortSignal
  /** TLS with a pinned certificate: an expected fingerprint, or a trust store for trust on first use. */
  tls?: PinPolicy
}

export interface TransferOptions {
  /** Abort rejects with FerryError('CANCELLED'); a partial download is kept for resuming. */
  signal?: AbortSignal
  onProgress?: (p: Progress) => void
  progressIntervalMs?: number
  /** Reconnect and resume after a dropped connection this many times (default 3). */
  retries?: number
}

export type { Progress, TransferResult }

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000
export const DEFAULT_RETRIES = 3
const DEFAULT_MAX_BUFFER_BYTES = 64 * 1024 * 1024
/** Requests that may be sent again when the server had closed an idle connection before seeing them. */
const IDEMPOTENT = new Set(['PING', 'LIST', 'STAT', 'GET', 'TREE'])

export class FerryClient implements Link, JobHost {
  private conn: Connection | null
  private tail: Promise<unknown> = Promise.resolve()
  private isClosed = false
  /** Requests queued or running, so an abort listener is only added to requests that wait behind others. */
  private inFlight = 0
  private readonly events = new EventEmitter()

  private constructor(
    private readonly options: ConnectOptions & { connectTimeoutMs: number },
    conn: Connection,
  ) {
    this.conn = conn
    this.hello = conn.hello
    this.fingerprint = conn.tlsFingerprint
  }

  /** Resolves after HELLO (and AUTH when a token is given). */
  static async connect(options: ConnectOptions): Promise<FerryClient> {
    const settings = { ...options, connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS }
    let client: FerryClient | null = null
    const conn = await openConnection(settings, (c, reason) => client?.onConnectionClose(c, reason))
    client = new FerryClient({ ...settings, signal: undefined }, conn)
    return client
  }

  /**
   * A second client to the same server, with the same token and TLS pin: a job's second lane, so the server
   * works on one batch while the other waits for its group sync. The caller closes it.
   */
  fork(): Promise<FerryClient> {
    return FerryClient.connect(this.options)
  }

  /** The greeting of the current (or last) connection. */
  hello: Hello

  /** The server's verified certificate fingerprint on a TLS connection, null in plaintext. */
  fingerprint: string | null

  get idleTimeoutMs(): number {
    return this.hello.idleTimeoutMs
  }

  /** True once close() was called; an idle or dropped connection is reopened on demand instead. */
  get closed(): boolean {
    return this.isClosed
  }

  /** True while a connection is open (it closes itself after the idle budget). */
  get connected(): boolean {
    return this.conn !== null && !this.conn.failed
  }

  /**
   * 'close' fires whenever the underlying connection ends: reason null when the client closed it (close(), or
   * its idle budget ran out), else why (TIMEOUT, SHUTTING_DOWN, CONNECTION_CLOSED, CANCELLED, PROTOCOL...).
   */
  on(event: 'close', listener: (reason: FerryError | null) => void): this {
    this.events.on(event, listener)
    return this
  }

  off(event: 'close', listener: (reason: FerryError | null) => void): this {
    this.events.off(event, listener)
    return this
  }

  async ping(): Promise<number> {
    const started = performance.now()
    await this.simple({ op: 'PING' }, ResponseSchemas.PING)
    return performance.now() - started
  }

  list(path: string, signal?: AbortSignal): Promise<Entry[]> {
    parseRelativePath(path)
    return this.exclusive(
      () => this.withIdleRetry('LIST', signal, (conn) => listExchange(conn, path)),
      signal,
    )
  }

  /** One page of the tree below `path` (see TREE), or null when the server does not offer TREE. */
  treePage(path: string, after: string | undefined, signal?: AbortSignal): Promise<TreePage | null> {
    parseRelativePath(path)
    if (!hasFeature(this, 'tree')) return Promise.resolve(null)
    return this.exclusive(
      () => this.withIdleRetry('TREE', signal, (conn) => treeExchange(conn, path, after)),
      signal,
    )
  }

  async stat(path: string, signal?: AbortSignal): Promise<Entry & { path: string }> {
    parseRelativePath(path)
    return (await this.simple({ op: 'STAT', path }, ResponseSchemas.STAT, signal)).entry
  }

  async mkdir(path: string, options: { parents?: boolean } = {}): Promise<string> {
    parseRelativePath(path)
    const fields =
      options.parents === undefined ? { op: 'MKDIR', path } : { op: 'MKDIR', path, parents: options.parents }
    return (await this.simple(fields, ResponseSchemas.MKDIR)).path
  }

  async delete(path: string, options: { recursive?: boolean } = {}): Promise<void> {
    if (parseRelativePath(path).length === 0)
      throw new FerryError('PATH_INVALID', 'refusing to delete the share root')
    const fields =
      options.recursive === undefined
        ? { op: 'DELETE', path }
        : { op: 'DELETE', path, recursive: options.recursive }
    await this.simple(fields, ResponseSchemas.DELETE)
  }

  async rename(from: string, to: string, options: { mode?: 'fail' | 'overwrite' } = {}): Promise<string> {
    parseRelativePath(from)
    parseRelativePath(to)
    const fields =
      options.mode === undefined ? { op: 'RENAME', from, to } : { op: 'RENAME', from, to, mode: options.mode }
    return (await this.simple(fields, ResponseSchemas.RENAME)).path
  }

  download(
    remotePath: string,
    localPath: string,
    options: TransferOptions & { resume?: boolean; overwrite?: boolean } = {},
  ): Promise<TransferResult> {
    return this.transferFile(options, (fileOptions, meter) =>
      downloadFile(this, remotePath, localPath, fileOptions, meter),
    )
  }

  upload(
    localPath: string,
    remotePath: string,
    options: TransferOptions & { mode?: OverwriteMode; resume?: boolean } = {},
  ): Promise<TransferResult> {
    return this.transferFile(options, (fileOptions, meter) =>
      uploadFile(this, localPath, remotePath, fileOptions, meter),
    )
  }

  /**
   * Downloads a remote folder's contents into localDir (or a remote file into it) as one job: see job-types.ts.
   * Files that fail are collected in the result; cancelling or losing the server for good rejects.
   */
  downloadTree(remotePath: string, localDir: string, options: DownloadJobOptions = {}): Promise<JobResult> {
    return downloadTree(this, remotePath, localDir, this.fileOptions(options))
  }

  /** Uploads a local folder (or file) into remoteDir under its own name, as one job. */
  uploadTree(localPath: string, remoteDir: string, options: UploadJobOptions = {}): Promise<JobResult> {
    return uploadTree(this, localPath, remoteDir, this.fileOptions(options))
  }

  /** Uploads a list of local files to their remote paths as one job (remote folders are created as needed). */
  uploadFiles(files: JobFile[], options: UploadJobOptions = {}): Promise<JobResult> {
    return uploadFiles(this, files, this.fileOptions(options))
  }

  /** Small in-memory download, hash-verified (perf engine, tests). */
  async getBuffer(
    remotePath: string,
    options: { signal?: AbortSignal; maxBytes?: number } = {},
  ): Promise<Buffer> {
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BUFFER_BYTES
    const got = await this.exclusive(
      () => this.withIdleRetry('GET', options.signal, (conn) => getExchange(conn, remotePath, maxBytes)),
      options.signal,
    )
    return checkBuffer(remotePath, got.data, got.sha256)
  }

  /** Small in-memory upload, hash-verified by the server before it becomes visible. */
  putBuffer(
    remotePath: string,
    data: Buffer,
    options: { mode?: OverwriteMode; signal?: AbortSignal } = {},
  ): Promise<TransferResult> {
    const sha256 = createHash('sha256').update(data).digest('hex')
    const mode = options.mode ?? 'fail'
    return this.exclusive(
      () =>
        this.withIdleRetry('PUT', options.signal, (conn) =>
          putExchange(conn, remotePath, data, sha256, mode),
        ),
      options.signal,
    )
  }

  /** Closes the connection; later requests fail with CONNECTION_CLOSED. */
  async close(): Promise<void> {
    if (this.isClosed) return
    this.isClosed = true
    const conn = this.conn
    if (conn && !conn.failed) {
      await conn.close()
    } else {
      this.conn = null
      this.events.emit('close', null)
    }
  }

  /** Link: the live connection, reopened when the last one closed or is about to hit its idle budget. */
  async connection(signal?: AbortSignal): Promise<Connection> {
    if (this.isClosed) throw new FerryError('CONNECTION_CLOSED', 'the client is closed')
    throwIfAborted(signal)
    const current = this.conn
    if (current && !current.failed && !current.stale) return current
    if (current) {
      this.conn = null
      void current.close()
    }
    const conn = await openConnection({ ...this.options, signal }, (c, reason) =>
      this.onConnectionClose(c, reason),
    )
    if (this.isClosed) {
      await conn.close()
      throw new FerryError('CONNECTION_CLOSED', 'the client is closed')
    }
    this.conn = conn
    this.hello = conn.hello
    this.fingerprint = conn.tlsFingerprint
    return conn
  }

  /** JobHost: runs one exchange (a file transfer, a pipelined group) in the request queue. */
  runExclusive<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.exclusive(fn, signal)
  }

  /**
   * Runs fn after every earlier request. A signal that fires while the request still waits in the queue rejects
   * it at once (nothing was sent); once it runs, the exchange itself handles the abort.
   */
  private exclusive<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    let started = false
    const queued = this.inFlight++ > 0
    const run = this.tail.then(() => {
      started = true
      return fn()
    })
    const settled = (): void => {
      this.inFlight--
    }
    this.tail = run.then(settled, settled)
    // With nothing ahead, fn starts on the next tick: only a request that really waits needs its own listener.
    if (!signal || !queued) return run
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        if (!started) reject(new FerryError('CANCELLED', 'cancelled'))
      }
      signal.addEventListener('abort', onAbort, { once: true })
      run.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
    })
  }

  private simple<T extends { re: number }>(
    fields: Record<string, unknown> & { op: string },
    schema: z.ZodType<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    return this.exclusive(
      () => this.withIdleRetry(fields.op, signal, (conn) => conn.request(fields, schema)),
      signal,
    )
  }

  /**
   * Runs an exchange; if the server had just closed the connection for idleness (TIMEOUT notice) or it vanished
   * before answering an idempotent request, the request provably was not processed: send it once more.
   */
  private async withIdleRetry<T>(
    op: string,
    signal: AbortSignal | undefined,
    fn: (conn: Connection) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const conn = await this.connection(signal)
      const seen = conn.responses
      try {
        return await exchange(conn, signal, () => fn(conn))
      } catch (err: unknown) {
        const code = err instanceof FerryError ? err.code : null
        const unanswered = conn.responses === seen && !signal?.aborted && !this.isClosed
        if (
          attempt === 0 &&
          unanswered &&
          (code === 'TIMEOUT' || (code === 'CONNECTION_CLOSED' && IDEMPOTENT.has(op)))
        ) {
          continue
        }
        throw err
      }
    }
  }

  private onConnectionClose(conn: Connection, reason: FerryError | null): void {
    if (conn !== this.conn) return
    this.conn = null
    this.events.emit('close', reason)
  }

  /** One file transfer with the connection to itself; its meter finishes once the file is verified. */
  private transferFile<T extends TransferOptions>(
    options: T,
    run: (fileOptions: T & { retries: number }, meter: ProgressMeter) => Promise<TransferResult>,
  ): Promise<TransferResult> {
    const meter = this.meter(options)
    return this.exclusive(async () => {
      const result = await run(this.fileOptions(options), meter)
      meter.finish()
      return result
    }, options.signal)
  }

  private meter(options: TransferOptions): ProgressMeter {
    return new ProgressMeter(options.onProgress, 0, options.progressIntervalMs)
  }

  private fileOptions<T extends { retries?: number }>(options: T): T & { retries: number } {
    return { ...options, retries: options.retries ?? DEFAULT_RETRIES }
  }
}
