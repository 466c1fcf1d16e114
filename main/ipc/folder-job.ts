// One run of a folder job: the client's job API moves all its files (many in flight), each settled file goes to
// the job's ledger (no event per file: the service reports the job's throttled progress instead), and the result
// becomes the job's outcome: done, or failed with how many files failed and the first reason.
import { unlink } from 'node:fs/promises'
import type { ApiError, TransferFileCounts, TransferFileInfo, TransferInfo } from '../../preload/api'
import type { FileOutcome, JobFile, JobProgress, JobResult } from '../client/job-types'
import { FerryError } from '../protocol/error-codes'
import type { RemoteClient } from './backends'
import type { FileLedger } from './file-ledger'
import { toApiError } from './result'

export interface FolderJob {
  direction: 'upload' | 'download'
  remotePath: string
  /** A download's local folder (the job writes into it). */
  localPath: string | null
  /** An upload's files; null for a download, which lists the remote folder when it runs. */
  files: JobFile[] | null
  removeLocalWhenDone?: boolean
  /** Stop at the first failed file instead of going on (the engine's stopOnError). */
  stopOnError?: boolean
  ledger: FileLedger
  info: TransferInfo
}

export interface FolderRunOptions {
  signal: AbortSignal
  progressIntervalMs: number
  onProgress: (p: JobProgress) => void
}

/** Runs the job and records its outcome on job.info; resolves with why it failed, null when every file made it. */
export async function runFolderJob(
  client: RemoteClient,
  job: FolderJob,
  options: FolderRunOptions,
): Promise<ApiError | null> {
  const result = await moveFiles(client, job, options)
  job.info.files = countsOf(result)
  job.ledger.setFailed(failedFiles(result))
  // A cancel may end the job with a result rather than a rejection: it is a cancel all the same.
  if (options.signal.aborted) throw new FerryError('CANCELLED', 'cancelled')
  const failure = folderFailure(result)
  if (!failure) {
    const bytes = job.info.total > 0 ? job.info.total : Math.max(job.info.bytes, result.bytes)
    Object.assign(job.info, { bytes, total: bytes })
  }
  return failure
}

function moveFiles(client: RemoteClient, job: FolderJob, options: FolderRunOptions): Promise<JobResult> {
  job.ledger.startRun()
  const common = {
    ...options,
    onFile: (outcome: FileOutcome) => settle(job, outcome),
    stopOnError: job.stopOnError === true,
    // A copy: the ledger keeps growing while the engine consults this.
    skip: new Set(job.ledger.done),
  }
  if (job.direction === 'download') {
    if (job.localPath === null) throw new FerryError('INTERNAL', 'a folder download without a local folder')
    // Never overwrite: a file already there and equal is skipped by the engine, a different one fails EXISTS.
    return client.downloadTree(job.remotePath, job.localPath, { ...common, overwrite: false })
  }
  if (job.files === null)
    throw new FerryError('INVALID_ARGUMENT', 'this folder upload has lost its file list')
  return client.uploadFiles(job.files, { ...common, mode: 'rename' })
}

function settle(job: FolderJob, outcome: FileOutcome): void {
  const { file, state } = outcome
  const path = outcome.remotePath || file.remote
  const error = outcome.error ? toApiError(outcome.error) : null
  job.ledger.settle(file.remote, { path, size: file.size, state, error })
  // A staged browser copy has served its purpose once its file is on the server; failing to delete it only
  // leaves a temp file behind (the staging folder is pruned on start).
  if (job.removeLocalWhenDone && state !== 'failed') void unlink(file.local).catch(() => undefined)
}

function countsOf(result: JobResult): TransferFileCounts {
  return {
    done: result.done,
    failed: result.failed.length,
    skipped: result.skipped,
    total: result.filesTotal,
  }
}

function failedFiles(result: JobResult): TransferFileInfo[] {
  return result.failed.map((outcome) => ({
    path: outcome.remotePath || outcome.file.remote,
    size: outcome.file.size,
    state: 'failed',
    error: outcome.error
      ? toApiError(outcome.error)
      : { code: 'INTERNAL', message: 'failed without a reason' },
  }))
}

const count = (n: number) => n.toLocaleString('en-US')

/** Why a finished run is not done (its files are listed separately), or null when every file made it. */
export function folderFailure(result: JobResult): ApiError | null {
  const { failed, filesTotal } = result
  if (result.stoppedBy) {
    const settled = result.done + result.skipped + failed.length
    return {
      code: result.stoppedBy.code,
      message: `stopped after ${count(settled)} of ${count(filesTotal)} files: ${result.stoppedBy.message}`,
    }
  }
  const first = failed[0]
  if (!first) return null
  const reason = first.error ? toApiError(first.error) : { code: 'INTERNAL' as const, message: 'failed' }
  const path = first.remotePath || first.file.remote
  return {
    code: reason.code,
    message: `${count(failed.length)} of ${count(filesTotal)} files failed: first ${reason.code} ${path}: ${reason.message}`,
  }
}
