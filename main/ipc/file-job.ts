// One run of a file job: the client moves the file, resuming from what an earlier run left (a download's partial,
// an upload's partial on the server), and the job's info takes the outcome (an upload may land under another name).
import { unlink } from 'node:fs/promises'
import { baseName } from '../protocol/paths'
import type { RemoteClient, TransferProgress } from './backends'
import type { FileJob } from './job-specs'

export interface FileRunOptions {
  signal: AbortSignal | undefined
  progressIntervalMs: number
  onProgress: (p: TransferProgress) => void
  /** The server does not create parent folders on PUT. */
  ensureRemoteFolder: () => Promise<void>
}

export async function runFileJob(client: RemoteClient, job: FileJob, run: FileRunOptions): Promise<null> {
  const options = {
    signal: run.signal,
    progressIntervalMs: run.progressIntervalMs,
    onProgress: run.onProgress,
    resume: true,
  }
  if (job.direction === 'upload') {
    await run.ensureRemoteFolder()
    const result = await client.upload(job.localPath, job.remotePath, { ...options, mode: 'rename' })
    Object.assign(job.info, { remotePath: result.path, name: baseName(result.path), bytes: result.size })
    // The staged copy has served its purpose; failing to delete it only leaves a temp file behind.
    if (job.removeLocalWhenDone) await unlink(job.localPath).catch(() => undefined)
  } else {
    const result = await client.download(job.remotePath, job.localPath, { ...options, overwrite: false })
    job.info.bytes = result.size
  }
  job.info.total = job.info.bytes
  return null
}
