// What a folder job remembers of its files, in memory that stays flat however many files it has: every failed
// file with its error (the user must see each one), a bounded ring of the most recently settled ones (enough to
// watch the job move), and the set of paths already done (what a resume skips). Counts come from the engine.
import type { TransferFileInfo, TransferFilePage } from '../../preload/api'

/** Settled files (done or skipped) kept for listing; older ones are only counted. */
export const RECENT_FILES = 500
/** Most files one listTransferFiles call returns. */
export const MAX_FILE_PAGE = 1000

/** What the journal keeps of a ledger between runs of the app. */
export interface LedgerRecord {
  /** Paths inside the share that are complete and verified: a resume does not move them again. */
  done: string[]
  failed: TransferFileInfo[]
}

export class FileLedger {
  private readonly completed = new Set<string>()
  private failed: TransferFileInfo[] = []
  /** A ring: `next` is where the next settled file goes, once `recent` is full. */
  private readonly recent: TransferFileInfo[] = []
  private next = 0

  constructor(private readonly capacity = RECENT_FILES) {}

  /** Paths already complete and verified, for the engine's `skip`. */
  get done(): ReadonlySet<string> {
    return this.completed
  }

  get failedCount(): number {
    return this.failed.length
  }

  /** A new run starts: earlier failures are tried again, what was done stays done. */
  startRun(): void {
    this.failed = []
    this.recent.length = 0
    this.next = 0
  }

  /** One file settled; `key` is the path a resume skips (an upload may have landed under another name). */
  settle(key: string, file: TransferFileInfo): void {
    if (file.state === 'failed') {
      this.failed.push(file)
      return
    }
    this.completed.add(key)
    if (this.recent.length < this.capacity) {
      this.recent.push(file)
    } else {
      this.recent[this.next] = file
      this.next = (this.next + 1) % this.capacity
    }
  }

  /** The engine's final word on failures replaces what onFile reported (same files, but complete). */
  setFailed(files: TransferFileInfo[]): void {
    this.failed = files
  }

  /** Failures first, in the order met; then settled files, newest first. */
  page(offset: number, limit: number): TransferFilePage {
    const total = this.failed.length + this.recent.length
    const files: TransferFileInfo[] = []
    const end = Math.min(total, offset + Math.min(limit, MAX_FILE_PAGE))
    for (let i = offset; i < end; i++) files.push(this.at(i))
    return { files, total }
  }

  record(): LedgerRecord {
    return { done: [...this.completed], failed: [...this.failed] }
  }

  restore(record: LedgerRecord): void {
    for (const path of record.done) this.completed.add(path)
    this.failed = [...record.failed]
  }

  private at(index: number): TransferFileInfo {
    if (index < this.failed.length) return this.failed[index]!
    const k = index - this.failed.length
    // Newest first: the newest is just before `next` (or the last pushed while the ring was filling).
    const newest = this.recent.length < this.capacity ? this.recent.length - 1 : this.next - 1
    const n = this.recent.length
    return this.recent[(((newest - k) % n) + n) % n]!
  }
}
