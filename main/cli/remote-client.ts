// The part of FerryClient the CLI uses (see main/client/ferry-client.ts). Kept as its own narrow type so the commands can
// be unit-tested with a fake; it is checked against the real class in index.ts.
import type { ConnectParams, RemoteFileOps, TransferResult } from '../client'
import type { DownloadJobOptions, JobResult, UploadJobOptions } from '../client/job-types'
import type { Hello, OverwriteMode } from '../protocol/messages'
import type { FerryError } from '../protocol/error-codes'
import type { ProgressLike } from './progress'

export type { TransferResult }

export interface TransferOptions {
  signal?: AbortSignal
  onProgress?: (p: ProgressLike & { rate: number }) => void
}
export interface RemoteClient extends RemoteFileOps {
  readonly hello: Hello
  readonly idleTimeoutMs: number
  /** True once close() was called. */
  readonly closed: boolean
  /** False while no connection is open (FerryClient reopens one on the next request). */
  readonly connected: boolean
  ping(): Promise<number>
  download(
    remotePath: string,
    localPath: string,
    options?: TransferOptions & { resume?: boolean; overwrite?: boolean },
  ): Promise<TransferResult>
  upload(
    localPath: string,
    remotePath: string,
    options?: TransferOptions & { mode?: OverwriteMode },
  ): Promise<TransferResult>
  downloadTree(remotePath: string, localDir: string, options?: DownloadJobOptions): Promise<JobResult>
  uploadTree(localPath: string, remoteDir: string, options?: UploadJobOptions): Promise<JobResult>
  close(): Promise<void>
  on(event: 'close', listener: (reason: FerryError | null) => void): unknown
}

export type Connect = (options: ConnectParams) => Promise<RemoteClient>
