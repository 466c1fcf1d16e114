// The jobs of the transfer queue: a file, or a folder moved as one job (its files listed up front for an upload,
// found on the server for a download), with the state the queue keeps for each.
import { randomUUID } from 'node:crypto'
import type { TransferInfo } from '../../preload/api'
import type { JobFile } from '../client/job-types'
import { baseName } from '../protocol/paths'
import { FileLedger } from './file-ledger'
import type { ServerTarget } from './secure-access'

interface SpecBase {
  direction: 'upload' | 'download'
  target: ServerTarget
  remotePath: string
  /** Bytes, as planned; 0 while unknown (a folder download learns it from the server). */
  total: number
  /** Delete the local files once uploaded (browser mode's staging copies). */
  removeLocalWhenDone?: boolean
  /** A folder stops at its first failed file (the user's choice when it was queued). */
  stopOnError?: boolean
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
  /**
   * Set while the job's files are still arriving (browser mode's 'sending' phase): stops the sender and removes
   * what arrived. Null once they are all here (or never were: a job of local files).
   */
  stopSending: (() => void) | null
}

export type FileJob = FileJobSpec & JobState
export type FolderJob = FolderJobSpec & JobState & { ledger: FileLedger }
export type Job = (FileJobSpec & JobState) | FolderJob

/** A new job for the queue, queued with nothing moved; stopSending as in JobState. */
export function createJob(spec: JobSpec, stopSending: (() => void) | null): Job {
  const info: TransferInfo = {
    id: randomUUID(),
    direction: spec.direction,
    name: baseName(spec.remotePath),
    remotePath: spec.remotePath,
    localPath: spec.localPath,
    state: 'queued',
    bytes: 0,
    total: spec.total,
    rate: 0,
    startedAt: Date.now(),
    finishedAt: null,
    error: null,
  }
  const state = { info, controller: null, lastUpdateAt: 0, interrupted: false, restored: false, stopSending }
  if (spec.kind === 'file') return { ...spec, ...state }
  info.files = { done: 0, failed: 0, skipped: 0, total: spec.files?.length ?? 0 }
  return { ...spec, ...state, ledger: new FileLedger() }
}

/** A job back from the journal, as it was recorded (see transfer-restore.ts). */
export function restoredJobOf(spec: JobSpec, info: TransferInfo, ledger: FileLedger | null): Job {
  const state = {
    info,
    controller: null,
    lastUpdateAt: 0,
    interrupted: false,
    restored: true,
    stopSending: null,
  }
  return spec.kind === 'folder'
    ? { ...spec, ...state, ledger: ledger ?? new FileLedger() }
    : { ...spec, ...state }
}

/**
 * Staged browser copies of unfinished uploads: a file job's file, a folder job's files not done yet. A job that
 * is (or stopped) still sending has none worth keeping: its copies are incomplete and removed by its sender.
 */
export function stagedOf(jobs: Iterable<Job>): string[] {
  const paths: string[] = []
  for (const job of jobs) {
    if (!job.removeLocalWhenDone || job.info.state === 'done' || job.info.phase === 'sending') continue
    if (job.kind === 'file') paths.push(job.localPath)
    else for (const f of job.files ?? []) if (!job.ledger.done.has(f.remote)) paths.push(f.local)
  }
  return paths
}
