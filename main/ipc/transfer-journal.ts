// The transfer journal: what the queue was doing, kept in the app's data folder so that quitting (or a crash, or a
// reboot) mid-transfer does not lose the list. Unfinished jobs are recorded with what a retry needs (never a
// token), the last finished ones as history. Writes are atomic (temp + rename, mode 0600) and coalesced: a batch
// of state changes costs one write, and moving bytes rewrite the file at most every few seconds. A damaged or
// unknown file is ignored with a warning, never an error: the journal is a convenience. A folder job is one entry
// here (its counts); its files live beside it in job-file-store.ts, written only when the job changes state.
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import type { TransferFileCounts, TransferInfo } from '../../preload/api'
import { formatBytes } from '../cli/format'
import { ERROR_CODES } from '../protocol/error-codes'
import { baseName } from '../protocol/paths'
import { writePrivateFileAtomic } from '../security/atomic-file'
import { JOB_FILES_DIR, JobFileStore } from './job-file-store'
import type { ServerTarget } from './secure-access'
import { remotePath, transferId } from './schemas'

export const TRANSFER_JOURNAL_FILE = 'transfers.json'
/** Finished transfers kept as history. */
export const HISTORY_LIMIT = 50
/** While only bytes move (no state change), the file is rewritten at most this often. */
export const PROGRESS_WRITE_MS = 3000
/** Least time between two writes for state changes; grows with the time a write takes (a huge queue). */
export const STATE_WRITE_MS = 250

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)

const EntrySchema = z.object({
  id: transferId,
  direction: z.enum(['upload', 'download']),
  /** The server as connected to; a token is never stored. */
  target: z.object({
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65_535),
    tls: z.boolean(),
    fingerprint: z.string().max(200).optional(),
  }),
  /** Null only for a folder upload whose files share no local folder (browser mode's staged copies). */
  localPath: z
    .string()
    .min(1)
    .max(32 * 1024)
    .nullable(),
  remotePath,
  total: count,
  bytes: count,
  state: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']),
  /** Stopped because Ferry closed (not by the user, not by an error). */
  interrupted: z.boolean(),
  startedAt: count,
  finishedAt: count.nullable(),
  error: z.object({ code: z.enum(ERROR_CODES), message: z.string().max(4096) }).nullable(),
  removeLocalWhenDone: z.boolean().optional(),
  /** Present on a folder job: its file counts (the files themselves are in JOB_FILES_DIR). */
  files: z.object({ done: count, failed: count, skipped: count, total: count }).optional(),
})

const FileSchema = z.object({ version: z.literal(1), transfers: z.array(EntrySchema) })

export type JournalEntry = z.infer<typeof EntrySchema>

export function transferJournalFile(dataDir: string): string {
  return path.join(dataDir, TRANSFER_JOURNAL_FILE)
}

export interface TransferJournalOptions {
  /** What to write: called at write time, so a write always holds the latest state. */
  snapshot: () => JournalEntry[]
  warn?: (message: string) => void
  progressWriteMs?: number
}

export class TransferJournal {
  /** Completed writes (tests check the coalescing). */
  writes = 0
  /** The files of folder jobs, one file per job beside this one. */
  readonly files: JobFileStore
  private loaded = false
  private dirty = false
  private urgent = false
  private lastWriteAt = 0
  private lastWriteCostMs = 0
  private timer: NodeJS.Timeout | null = null
  private dueAt = 0
  private writing: Promise<void> | null = null
  private readonly warn: (message: string) => void
  private readonly progressWriteMs: number

  constructor(
    readonly file: string,
    private readonly options: TransferJournalOptions,
  ) {
    this.warn = options.warn ?? ((message) => console.warn(`ferry: ${message}`))
    this.progressWriteMs = options.progressWriteMs ?? PROGRESS_WRITE_MS
    this.files = new JobFileStore(path.join(path.dirname(file), JOB_FILES_DIR), this.warn)
  }

  /** The recorded transfers; [] when there is no usable file. Writes wait until this has run. */
  async load(): Promise<JournalEntry[]> {
    try {
      return await this.read()
    } finally {
      this.loaded = true
      if (this.dirty) this.arm()
    }
  }

  /** Something changed: a state change is written soon, mere progress within a few seconds. */
  changed(kind: 'state' | 'progress'): void {
    this.dirty = true
    if (kind === 'state') this.urgent = true
    if (this.loaded && !this.writing) this.arm()
  }

  /** Writes pending changes now and waits for them (shutdown). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    while (this.writing || (this.dirty && this.loaded)) {
      await (this.writing ?? this.write())
    }
    await this.files.flush()
  }

  private async read(): Promise<JournalEntry[]> {
    let text: string
    try {
      text = await fsp.readFile(this.file, 'utf8')
    } catch (err: unknown) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.warn(`could not read the transfer list ${this.file} (${(err as Error).message}); starting empty`)
      }
      return []
    }
    try {
      return FileSchema.parse(JSON.parse(text)).transfers
    } catch {
      this.warn(`ignored the transfer list in ${this.file}: damaged or not a file this version understands`)
      return []
    }
  }

  private arm(): void {
    const gap = this.urgent ? Math.max(STATE_WRITE_MS, this.lastWriteCostMs * 10) : this.progressWriteMs
    const due = Math.max(Date.now(), this.lastWriteAt + gap)
    // Progress ticks arrive per chunk: only a sooner deadline (a state change) moves the timer.
    if (this.timer && this.dueAt <= due) return
    if (this.timer) clearTimeout(this.timer)
    this.dueAt = due
    this.timer = setTimeout(() => {
      this.timer = null
      void this.write()
    }, due - Date.now())
    // A pending journal write must not keep a CLI or test process alive; shutdown flushes explicitly.
    this.timer.unref()
  }

  private write(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.dirty = false
    this.urgent = false
    const started = Date.now()
    const text = JSON.stringify({ version: 1, transfers: this.options.snapshot() }) + '\n'
    const writing = writePrivateFileAtomic(this.file, text, 'transfer list')
      .then(
        () => {
          this.writes += 1
        },
        (err: unknown) => this.warn(`could not save the transfer list: ${(err as Error).message}`),
      )
      .finally(() => {
        this.lastWriteAt = Date.now()
        this.lastWriteCostMs = this.lastWriteAt - started
        this.writing = null
        if (this.dirty) this.arm()
      })
    this.writing = writing
    return writing
  }
}

/** A queue job as the journal sees it (the service's Job has these and more). */
export interface JournalJob {
  direction: 'upload' | 'download'
  target: { host: string; port: number; tls?: boolean; fingerprint?: string }
  localPath: string | null
  remotePath: string
  removeLocalWhenDone?: boolean
  interrupted: boolean
  info: TransferInfo
}

/** What the file holds: every unfinished job and the latest finished ones. */
export function journalEntries(jobs: Iterable<JournalJob>): JournalEntry[] {
  const unfinished: JournalJob[] = []
  const done: JournalJob[] = []
  for (const job of jobs) (job.info.state === 'done' ? done : unfinished).push(job)
  done.sort((a, b) => (b.info.finishedAt ?? 0) - (a.info.finishedAt ?? 0))
  return [...unfinished, ...done.slice(0, HISTORY_LIMIT)].map(toEntry)
}

function toEntry(job: JournalJob): JournalEntry {
  const { info, target } = job
  const tls = target.tls === true || target.fingerprint !== undefined
  return {
    id: info.id,
    direction: job.direction,
    // Only what identifies the server: the token stays in memory (the window's connection supplies it again).
    target: {
      host: target.host,
      port: target.port,
      tls,
      ...(target.fingerprint ? { fingerprint: target.fingerprint } : {}),
    },
    localPath: job.localPath,
    remotePath: info.state === 'done' ? info.remotePath : job.remotePath,
    total: info.total,
    bytes: info.bytes,
    state: info.state,
    interrupted: job.interrupted || info.interrupted === true,
    startedAt: info.startedAt,
    finishedAt: info.finishedAt,
    error: info.error ? { code: info.error.code, message: info.error.message.slice(0, 4096) } : null,
    ...(job.removeLocalWhenDone ? { removeLocalWhenDone: true } : {}),
    ...(info.files ? { files: { ...info.files } } : {}),
  }
}

/**
 * A recorded transfer as it comes back after a restart: finished ones as they were, failed or cancelled ones
 * with their outcome, and those Ferry stopped (queued, running, or cancelled by the quit) as failed and
 * interrupted. Nothing starts by itself.
 */
export function restoredJob(entry: JournalEntry): JournalJob {
  const stopped = entry.state === 'queued' || entry.state === 'running' || entry.interrupted
  const info: TransferInfo = {
    id: entry.id,
    direction: entry.direction,
    name: baseName(entry.remotePath),
    remotePath: entry.remotePath,
    localPath: entry.localPath,
    state: stopped ? 'failed' : entry.state,
    bytes: entry.bytes,
    total: entry.total,
    rate: 0,
    startedAt: entry.startedAt,
    finishedAt: entry.finishedAt ?? entry.startedAt,
    error: stopped
      ? { code: 'CANCELLED', message: interruptedMessage(entry.bytes, entry.total, entry.files) }
      : entry.error,
    ...(stopped ? { interrupted: true } : {}),
    ...(entry.files ? { files: { ...entry.files } } : {}),
  }
  return {
    direction: entry.direction,
    target: entry.target,
    localPath: entry.localPath,
    remotePath: entry.remotePath,
    ...(entry.removeLocalWhenDone ? { removeLocalWhenDone: true } : {}),
    interrupted: false,
    info,
  }
}

export function interruptedMessage(bytes: number, total: number, files?: TransferFileCounts): string {
  if (files && files.total > 0) {
    const settled = files.done + files.skipped
    return `interrupted when Ferry closed with ${settled.toLocaleString('en-US')} of ${files.total.toLocaleString('en-US')} files done: Resume moves the rest`
  }
  if (bytes <= 0) return 'interrupted when Ferry closed, before any bytes moved: Resume starts it'
  return `interrupted when Ferry closed at ${formatBytes(bytes)} of ${formatBytes(total)}: Resume continues from there`
}

/**
 * A restored job's server without a token, unless the window is connected to that same server (same TLS and
 * certificate): then the window's token and verified fingerprint are used.
 */
export function restoredTarget(saved: ServerTarget, current: ServerTarget | null): ServerTarget {
  const isTls = (t: ServerTarget) => t.tls === true || t.fingerprint !== undefined
  const same =
    current !== null &&
    current.host === saved.host &&
    current.port === saved.port &&
    isTls(current) === isTls(saved) &&
    (saved.fingerprint === undefined || saved.fingerprint === current.fingerprint)
  return same ? current : saved
}

export async function isFile(path: string): Promise<boolean> {
  return fsp.stat(path).then(
    (info) => info.isFile(),
    () => false,
  )
}
