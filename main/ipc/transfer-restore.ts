// The journal's transfers as jobs again after a restart (see restoredJob for their states). A folder job comes
// back with its ledger (paths done, failures) from its own file; one that cannot be resumed and has nothing to
// show is dropped: a staged browser upload whose copies are gone, or a folder upload whose file list is lost.
import type { TransferInfo } from '../../preload/api'
import { FileLedger } from './file-ledger'
import type { JournalEntry, TransferJournal } from './transfer-journal'
import { isFile, restoredJob } from './transfer-journal'
import type { JobSpec } from './transfer-service'

export interface RestoredJob {
  spec: JobSpec
  info: TransferInfo
  ledger: FileLedger | null
}

export async function restoreJobs(
  journal: TransferJournal,
): Promise<{ jobs: RestoredJob[]; dropped: boolean }> {
  const jobs: RestoredJob[] = []
  let dropped = false
  for (const entry of await journal.load()) {
    const job = entry.files ? await folderJob(journal, entry) : await fileJob(entry)
    if (job) jobs.push(job)
    else dropped = true
  }
  // Files of jobs the journal no longer has (cleared, or a journal that was lost) are only clutter.
  await journal.files.prune(new Set(jobs.filter((j) => j.ledger).map((j) => j.info.id)))
  return { jobs, dropped }
}

async function fileJob(entry: JournalEntry): Promise<RestoredJob | null> {
  // A staged browser upload whose copy is gone cannot be resumed, and there is nothing left to show for it.
  if (entry.removeLocalWhenDone && entry.state !== 'done' && !(await isFile(entry.localPath ?? ''))) {
    return null
  }
  const { info, ...rest } = restoredJob(entry)
  if (rest.localPath === null) return null
  return { spec: { ...rest, kind: 'file', localPath: rest.localPath, total: info.total }, info, ledger: null }
}

async function folderJob(journal: TransferJournal, entry: JournalEntry): Promise<RestoredJob | null> {
  const { info, ...rest } = restoredJob(entry)
  const ledger = new FileLedger()
  const spec: JobSpec = { ...rest, kind: 'folder', total: info.total, files: null }
  // A finished job needs nothing more to resume; its files were forgotten when it finished.
  if (entry.state === 'done') return { spec, info, ledger }
  const record = await journal.files.load(entry.id)
  if (record) ledger.restore(record)
  if (entry.direction === 'upload') {
    if (!record?.files) return null
    spec.files = record.files
    if (entry.removeLocalWhenDone && !(await anyFile(record.files, ledger.done))) return null
  }
  return { spec, info, ledger }
}

/** Whether any file not done yet is still there to upload (stops at the first one found). */
async function anyFile(files: Array<{ remote: string; local: string }>, done: ReadonlySet<string>) {
  for (const file of files) if (!done.has(file.remote) && (await isFile(file.local))) return true
  return false
}
