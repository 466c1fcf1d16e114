// The jobs of the transfer queue: a file, or a folder moved as one job (its files listed up front for an upload,
// found on the server for a download), with the state the queue keeps for each.
import type { TransferInfo } from '../../preload/api'
import type { JobFile } from '../client/job-types'
import type { FileLedger } from './file-ledger'
import type { ServerTarget } from './secure-access'

interface SpecBase {
  direction: 'upload' | 'download'
  target: ServerTarget
  remotePath: string
  /** Bytes, as planned; 0 while unknown (a folder download learns it from the server). */
  total: number
  /** Delete the local files once uploaded (browser mode's staging copies). */
  removeLocalWhenDone?: boolean
}

export interface FileJobSpec extends SpecBase {
  kind: 'file'
  /** Upload: the source file. Download: where the file goes. */
  localPath: string
}

export interface FolderJobSpec extends SpecBase {
  kind: 'folder'
  /** Download: the local folder the files go into. Upload: their local folder, null when they share none. */
  localPath: string | null
  /** An upload's files; null for a download (the job lists the remote folder when it runs). */
  files: JobFile[] | null
}

export type JobSpec = FileJobSpec | FolderJobSpec

export interface JobState {
  info: TransferInfo
  controller: AbortController | null
  lastUpdateAt: number
  /** Stopped because the service was disposed (the app quit), not by the user. */
  interrupted: boolean
  /** Came back from the journal: its target has no token, the window's connection may supply one. */
  restored: boolean
}

export type FileJob = FileJobSpec & JobState
export type FolderJob = FolderJobSpec & JobState & { ledger: FileLedger }
export type Job = (FileJobSpec & JobState) | FolderJob

/** Staged browser copies of unfinished uploads: a file job's file, a folder job's files not done yet. */
export function stagedOf(jobs: Iterable<Job>): string[] {
  const paths: string[] = []
  for (const job of jobs) {
    if (!job.removeLocalWhenDone || job.info.state === 'done') continue
    if (job.kind === 'file') paths.push(job.localPath)
    else for (const f of job.files ?? []) if (!job.ledger.done.has(f.remote)) paths.push(f.local)
  }
  return paths
}
