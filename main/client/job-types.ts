// A folder is one job: its files move together (many in flight, small ones pipelined on one connection and
// made durable in groups), progress is counted over the whole job, and a file that fails is reported and
// collected while the rest goes on (unless stopOnError). Shared by the CLI and the app's transfer service.
import type { FerryError } from '../protocol/error-codes'
import type { OverwriteMode } from '../protocol/messages'
import type { Progress } from './progress'

/** One file of a job: where it is on each side and how big the listing said it was. */
export interface JobFile {
  /** Wire path on the server ('' is the share root; never '' for a file). */
  remote: string
  /** Absolute local path. */
  local: string
  size: number
}

export type FileOutcomeState = 'done' | 'failed' | 'skipped'

/** What became of one file. 'skipped': already complete and verified, nothing was moved for it. */
export interface FileOutcome {
  file: JobFile
  state: FileOutcomeState
  /** Where an upload landed (a rename mode may pick another name); the remote path otherwise. */
  remotePath: string
  sha256?: string
  error?: FerryError
}

/** Job progress: bytes over the whole job plus file counts. */
export interface JobProgress extends Progress {
  filesDone: number
  filesFailed: number
  filesSkipped: number
  filesTotal: number
}

export interface JobOptions {
  /** Abort stops the job; files already done stay done, a partial is kept for resuming. */
  signal?: AbortSignal
  onProgress?: (p: JobProgress) => void
  progressIntervalMs?: number
  /** Called once per file as it settles, in no particular order. */
  onFile?: (outcome: FileOutcome) => void
  /** Stop at the first failed file (it is still reported); the default goes on and collects failures. */
  stopOnError?: boolean
  /** Reconnect and resume after a dropped connection this many times (default 3). */
  retries?: number
  /** Remote paths already complete and verified in an earlier run of this job: not moved again. */
  skip?: ReadonlySet<string>
}

export interface DownloadJobOptions extends JobOptions {
  /** Replace existing local files; without it an existing file that differs fails with EXISTS. */
  overwrite?: boolean
}

export interface UploadJobOptions extends JobOptions {
  mode?: OverwriteMode
}

export interface JobResult {
  filesTotal: number
  done: number
  skipped: number
  /** Every failed file with its error, in the order the job met them. */
  failed: FileOutcome[]
  /** Bytes of the files done (not skipped). */
  bytes: number
  /** Set when the job stopped early (cancelled, stopOnError, or a failure that ends everything). */
  stoppedBy?: FerryError
}
