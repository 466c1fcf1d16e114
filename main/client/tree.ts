// Folder transfers as jobs: plan (what to move, every name checked), then run (pipelined, grouped, per-file
// outcomes). The parts live in job-plan.ts, job-download.ts and job-upload.ts; this is their entry point.
import { parentPath } from '../protocol/paths'
import { runDownloadJob } from './job-download'
import { runUploadJob } from './job-upload'
import type { JobHost } from './job-host'
import { planDownload, planUpload, type JobPlan } from './job-plan'
import { JobTracker } from './job-tracker'
import type { DownloadJobOptions, JobFile, JobResult, UploadJobOptions } from './job-types'

type WithRetries<T> = T & { retries: number }

export async function downloadTree(
  host: JobHost,
  remotePath: string,
  localDir: string,
  options: WithRetries<DownloadJobOptions>,
): Promise<JobResult> {
  const tracker = new JobTracker(options)
  const plan = await planDownload(host, remotePath, localDir, options.signal)
  await runDownloadJob(host, plan, options, tracker)
  return tracker.result()
}

export async function uploadTree(
  host: JobHost,
  localPath: string,
  remoteDir: string,
  options: WithRetries<UploadJobOptions>,
): Promise<JobResult> {
  const tracker = new JobTracker(options)
  const plan = await planUpload(localPath, remoteDir, options.signal)
  await runUploadJob(host, plan, options, tracker)
  return tracker.result()
}

/** Explicit files (the app's dropped folders): their remote folders are created, parents first. */
export async function uploadFiles(
  host: JobHost,
  files: JobFile[],
  options: WithRetries<UploadJobOptions>,
): Promise<JobResult> {
  const tracker = new JobTracker(options)
  const dirs = new Set<string>()
  for (const file of files) {
    for (let dir = parentPath(file.remote); dir !== '' && !dirs.has(dir); dir = parentPath(dir)) dirs.add(dir)
  }
  // Parents before children: sorting by depth keeps mkdir -p calls few (a child's mkdir makes its parents).
  const plan: JobPlan = { dirs: [...dirs].sort((a, b) => a.split('/').length - b.split('/').length), files }
  await runUploadJob(host, plan, options, tracker)
  return tracker.result()
}
