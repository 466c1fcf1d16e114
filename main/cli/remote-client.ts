// The part of FerryClient the CLI uses (see /work/notes/API.md). Kept as its own type so the commands compile
// and can be unit-tested while main/client is being written; it is checked against the real class in index.ts.
import type { Entry, Hello, OverwriteMode } from '../protocol/messages'
import type { FerryError } from '../protocol/error-codes'
import type { ProgressLike } from './progress'
import type { PinPolicy } from '../security/tls-options'

export interface TransferOptions {
  signal?: AbortSignal
  onProgress?: (p: ProgressLike & { rate: number }) => void
}
export interface TransferResult {
  path: string
  size: number
  sha256: string
}

export interface RemoteClient {
  readonly hello: Hello
  readonly idleTimeoutMs: number
  /** True once close() was called. */
  readonly closed: boolean
  /** False while no connection is open (FerryClient reopens one on the next request). */
  readonly connected: boolean
  ping(): Promise<number>
  list(path: string): Promise<Entry[]>
  stat(path: string): Promise<Entry & { path: string }>
  mkdir(path: string, options?: { parents?: boolean }): Promise<string>
  delete(path: string, options?: { recursive?: boolean }): Promise<void>
  rename(from: string, to: string, options?: { mode?: 'fail' | 'overwrite' }): Promise<string>
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
  downloadTree(
    remotePath: string,
    localDir: string,
    options?: TransferOptions & { overwrite?: boolean },
  ): Promise<TransferResult[]>
  uploadTree(
    localPath: string,
    remoteDir: string,
    options?: TransferOptions & { mode?: OverwriteMode },
  ): Promise<TransferResult[]>
  close(): Promise<void>
  on(event: 'close', listener: (reason: FerryError | null) => void): unknown
}

export type Connect = (options: {
  host: string
  port: number
  signal?: AbortSignal
  token?: string
  tls?: PinPolicy
}) => Promise<RemoteClient>
