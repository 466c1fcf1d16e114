// Keeps the score of one job: the byte meter (throttled, smoothed rate), file counts, the failures, and when
// to stop. Nothing here grows with the number of files that succeed, so a job's last thousand files cost what
// its first thousand did.
import { FerryError } from '../protocol/error-codes'
import type { FileOutcome, JobFile, JobOptions, JobProgress, JobResult } from './job-types'
import { isFatal } from './job-host'
import { ProgressMeter } from './progress'

export class JobTracker {
  readonly meter: ProgressMeter
  private done = 0
  private skipped = 0
  private bytes = 0
  private readonly failed: FileOutcome[] = []
  private filesTotal = 0
  private stopped: FerryError | undefined

  constructor(private readonly options: JobOptions) {
    const listener = options.onProgress
    this.meter = new ProgressMeter(
      listener ? (p) => listener(this.progress(p)) : undefined,
      0,
      options.progressIntervalMs,
    )
  }

  /** The job's size once planned (files later skipped count towards both totals). */
  plan(files: readonly JobFile[]): void {
    this.filesTotal = files.length
    this.meter.total = files.reduce((sum, f) => sum + f.size, 0)
  }

  get signal(): AbortSignal | undefined {
    return this.options.signal
  }

  /** True once the job should start nothing new: cancelled, or stopped at a failure. */
  get stopping(): boolean {
    return this.stopped !== undefined || this.options.signal?.aborted === true
  }

  /** Throws CANCELLED when the signal fired; the caller's work stops there. */
  throwIfCancelled(): void {
    if (this.options.signal?.aborted) throw new FerryError('CANCELLED', 'cancelled')
  }

  isSkipped(file: JobFile): boolean {
    return this.options.skip?.has(file.remote) === true
  }

  fileDone(file: JobFile, remotePath: string, sha256: string, size = file.size): void {
    this.done++
    this.bytes += size
    this.settle({ file, state: 'done', remotePath, sha256 })
  }

  fileSkipped(file: JobFile): void {
    this.skipped++
    this.meter.jump(this.meter.bytes + file.size)
    this.settle({ file, state: 'skipped', remotePath: file.remote })
  }

  /** `counted`: its bytes were already counted as moved (it failed after arriving). */
  fileFailed(file: JobFile, err: unknown, counted = false): void {
    const error = err instanceof FerryError ? err : new FerryError('INTERNAL', String(err), { cause: err })
    const outcome: FileOutcome = { file, state: 'failed', remotePath: file.remote, error }
    this.failed.push(outcome)
    // Its bytes will not come: count them as passed so the bar still reaches the end.
    if (!counted) this.meter.jump(this.meter.bytes + file.size)
    if (this.options.stopOnError && this.stopped === undefined) this.stopped = error
    this.settle(outcome)
  }

  /**
   * Moves files one at a time (large ones, or every file on an older server), each settling on its own; then
   * checks the job is over: cancelled (throws), or every file settled.
   */
  async oneByOne(
    files: JobFile[],
    move: (file: JobFile) => Promise<{ remotePath: string; sha256: string; size: number }>,
  ): Promise<void> {
    for (const file of files) {
      if (this.stopping) break
      try {
        const moved = await move(file)
        this.fileDone(file, moved.remotePath, moved.sha256, moved.size)
      } catch (err: unknown) {
        if (isFatal(err)) throw err
        this.fileFailed(file, err, true)
      }
    }
    this.throwIfCancelled()
    this.assertSettled()
  }

  /**
   * Every planned file must end done, skipped or failed. One that did not is a bug in the job, and saying so
   * beats reporting a job complete that left files behind.
   */
  assertSettled(): void {
    if (this.stopping) return
    const missing = this.filesTotal - this.done - this.skipped - this.failed.length
    if (missing > 0)
      throw new FerryError('INTERNAL', `${missing} files were neither moved nor reported failed`)
  }

  result(): JobResult {
    this.meter.finish()
    const result: JobResult = {
      filesTotal: this.filesTotal,
      done: this.done,
      skipped: this.skipped,
      failed: this.failed,
      bytes: this.bytes,
    }
    if (this.stopped) result.stoppedBy = this.stopped
    return result
  }

  private settle(outcome: FileOutcome): void {
    this.options.onFile?.(outcome)
  }

  private progress(p: { bytes: number; total: number; rate: number }): JobProgress {
    return {
      ...p,
      filesDone: this.done,
      filesFailed: this.failed.length,
      filesSkipped: this.skipped,
      filesTotal: this.filesTotal,
    }
  }
}
