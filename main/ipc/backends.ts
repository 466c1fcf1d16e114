// What the IPC services need from the server, client and perf engine, as narrow structural types, and the real
// implementations wired in by default. Tests pass the real modules too; the seam only keeps each service honest
// about what it uses.
import type { PerfOptions, PerfPoint } from '../../preload/api'
import type { OverwriteMode } from '../protocol/messages'
import type { FerryError } from '../protocol/error-codes'
import { FerryServer, FileHashCache } from '../server'
import { FerryClient, type ConnectParams, type RemoteFileOps, type TransferResult } from '../client'
import type { DownloadJobOptions, JobFile, JobResult, UploadJobOptions } from '../client/job-types'
import { runPerf } from '../../perf/engine'
import type { S3StoreOptions } from '../store/s3/s3-config'
import type { ShareStore } from '../store/share-store'

export interface HostedServer {
  address(): { host: string; port: number }
  clients(): Array<{ id: string; address: string; connectedAt: number; idleTimeoutMs: number }>
  close(options?: { graceMs?: number }): Promise<void>
  on(event: string, listener: (payload: never) => void): unknown
  off(event: string, listener: (payload: never) => void): unknown
  /** The share's store (FerryServer.store), for the web server that lets browsers in beside it. */
  readonly store?: ShareStore
}

export interface ServerStartOptions {
  /** The shared folder; or, instead, `s3`. */
  root?: string
  /** Share this bucket: checked once (store/s3/s3-open.ts) before the server listens, closed with the server. */
  s3?: S3StoreOptions
  port: number
  host: string
  token?: string
  readOnly?: boolean
  /** The TLS identity: the server then speaks TLS only. */
  tls?: { key: string; cert: string }
}

export interface TransferProgress {
  bytes: number
  total: number
  rate: number
}

export interface ClientTransferOptions {
  signal?: AbortSignal
  onProgress?: (p: TransferProgress) => void
  progressIntervalMs?: number
}

export interface RemoteClient extends RemoteFileOps {
  readonly hello: { server: string; protocol: number; idleTimeoutMs: number; readOnly: boolean }
  /** The verified certificate fingerprint of a TLS connection, null in plaintext. */
  readonly fingerprint: string | null
  get closed(): boolean
  get idleTimeoutMs(): number
  download(
    remotePath: string,
    localPath: string,
    options?: ClientTransferOptions & { resume?: boolean; overwrite?: boolean },
  ): Promise<TransferResult>
  upload(
    localPath: string,
    remotePath: string,
    options?: ClientTransferOptions & { mode?: OverwriteMode; resume?: boolean },
  ): Promise<TransferResult>
  /** A folder as one job: its files into localDir, many in flight; failures are collected, not thrown. */
  downloadTree(remotePath: string, localDir: string, options?: DownloadJobOptions): Promise<JobResult>
  /** Many files as one job (a dropped folder). */
  uploadFiles(files: JobFile[], options?: UploadJobOptions): Promise<JobResult>
  close(): Promise<void>
  on(event: 'close', listener: (reason: FerryError | null) => void): unknown
}

export type { ConnectParams }

export type PerfEngineEvent =
  | { type: 'progress'; clients: number; done: number; total: number }
  | { type: 'point'; point: PerfPoint }
  | { type: 'done'; points: PerfPoint[] }
  | { type: 'failed'; error: { code: string; message: string } }

export interface PerfParams extends Omit<PerfOptions, 'target'> {
  /** fingerprint: speak TLS and pin exactly this certificate (the one the window's connection verified). */
  target: { host: string; port: number; token?: string; fingerprint?: string } | 'local'
}

export interface Backends {
  startServer(options: ServerStartOptions): Promise<HostedServer>
  connect(params: ConnectParams): Promise<RemoteClient>
  runPerf(
    options: PerfParams,
    onEvent: (e: PerfEngineEvent) => void,
    signal?: AbortSignal,
  ): Promise<PerfPoint[]>
}

// One whole-file hash cache for every server this process hosts: switching hosting off and on (or to another
// folder) keeps what was learnt, so the next downloads of unchanged large files skip the server's hash.
const fileHashes = new FileHashCache()

export const realBackends: Backends = {
  startServer: async ({ s3, ...options }) => {
    if (!s3) return FerryServer.start({ ...options, fileHashCache: fileHashes })
    // Loaded on first use: the AWS SDK is large, and hosting a folder never needs it.
    const { openCheckedS3Store } = await import('../store/s3/s3-open')
    const store = await openCheckedS3Store(s3)
    // The server owns (and closes) the store only once it runs.
    return FerryServer.start({ ...options, store }).catch(async (err: unknown) => {
      await store.close()
      throw err
    })
  },
  connect: (params) => FerryClient.connect(params),
  runPerf: (options, onEvent, signal) => runPerf(options, onEvent as never, signal),
}
