// The files of folder jobs, beside the transfer journal: one private file per job (transfer-jobs/<id>.json) with
// what a resume needs, i.e. an upload's file list, the paths already done, and the failures to show. The journal
// itself keeps one small entry per job, so its frequent progress rewrites never carry a list that grows with the
// job; this file is written only when its job changes state (queued, stopped), never per file.
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import type { JobFile } from '../client/job-types'
import { ERROR_CODES } from '../protocol/error-codes'
import { writePrivateFileAtomic } from '../security/atomic-file'
import type { LedgerRecord } from './file-ledger'
import { remotePath, transferId } from './schemas'

export const JOB_FILES_DIR = 'transfer-jobs'

const size = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
const error = z.object({ code: z.enum(ERROR_CODES), message: z.string().max(4096) })

const RecordSchema = z.object({
  version: z.literal(1),
  /** An upload's files; absent for a download, which learns its files from the server. */
  files: z.array(z.object({ remote: remotePath, local: z.string().min(1).max(32_768), size })).optional(),
  done: z.array(remotePath),
  failed: z.array(z.object({ path: remotePath, size, state: z.literal('failed'), error: error.nullable() })),
})

export interface JobFilesRecord extends LedgerRecord {
  files?: JobFile[]
}

type Write = (() => JobFilesRecord) | 'remove'

export class JobFileStore {
  /** Completed writes and removals (tests check that a job is not rewritten per file). */
  writes = 0
  /** The newest wish per job, taken when the previous write of that job has finished. */
  private readonly pending = new Map<string, Write>()
  private readonly active = new Map<string, Promise<void>>()

  constructor(
    readonly dir: string,
    private readonly warn: (message: string) => void,
  ) {}

  /** Saves a job's files soon; `snapshot` is called at write time, so a write holds the latest state. */
  save(id: string, snapshot: () => JobFilesRecord): void {
    this.schedule(id, snapshot)
  }

  remove(id: string): void {
    this.schedule(id, 'remove')
  }

  /** A job's saved files, or null when there are none (or they are damaged: a warning says so). */
  async load(id: string): Promise<JobFilesRecord | null> {
    const file = this.fileOf(id)
    let text: string
    try {
      text = await fsp.readFile(file, 'utf8')
    } catch (err: unknown) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.warn(`could not read the files of a transfer, ${file}: ${(err as Error).message}`)
      }
      return null
    }
    try {
      const { files, done, failed } = RecordSchema.parse(JSON.parse(text))
      return files ? { files, done, failed } : { done, failed }
    } catch {
      this.warn(`ignored the files of a transfer in ${file}: damaged or not a file this version understands`)
      return null
    }
  }

  /** Deletes the files of jobs the journal no longer has (a journal lost or cleared while Ferry was not running). */
  async prune(keep: ReadonlySet<string>): Promise<void> {
    const names = await fsp.readdir(this.dir).catch(() => [] as string[])
    for (const name of names) {
      const id = name.endsWith('.json') ? name.slice(0, -'.json'.length) : ''
      if (transferId.safeParse(id).success && !keep.has(id) && !this.pending.has(id)) {
        await fsp.rm(path.join(this.dir, name), { force: true })
      }
    }
  }

  /** Waits until every pending write has landed (shutdown). */
  async flush(): Promise<void> {
    while (this.active.size > 0) await Promise.all(this.active.values())
  }

  private fileOf(id: string): string {
    return path.join(this.dir, `${id}.json`)
  }

  private schedule(id: string, write: Write): void {
    this.pending.set(id, write)
    if (!this.active.has(id)) this.active.set(id, this.drain(id))
  }

  private async drain(id: string): Promise<void> {
    try {
      for (let write = this.pending.get(id); write; write = this.pending.get(id)) {
        this.pending.delete(id)
        await this.apply(id, write)
      }
    } finally {
      this.active.delete(id)
    }
  }

  private async apply(id: string, write: Write): Promise<void> {
    const file = this.fileOf(id)
    try {
      if (write === 'remove') {
        await fsp.rm(file, { force: true })
      } else {
        const text = JSON.stringify({ version: 1, ...write() })
        await writePrivateFileAtomic(file, text, 'transfer files')
      }
      this.writes += 1
    } catch (err: unknown) {
      this.warn(`could not save the files of a transfer: ${(err as Error).message}`)
    }
  }
}
