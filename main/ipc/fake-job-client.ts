// A scripted stand-in for the client's job API (downloadTree, uploadFiles), for TransferService tests that need
// thousands of files, chosen failures, or a job held in the middle, without a server. It reports as the real
// engine does: onFile once per file, JobProgress over the whole job, a JobResult with every failure; skip-listed
// paths are reported skipped and not "moved". Progress is reported after every file, more often than the real
// engine, so tests see that the service's own throttle keeps events per job to a few a second.
import type { ErrorCode } from '../../preload/api'
import type { FileOutcome, JobFile, JobOptions, JobResult } from '../client/job-types'
import { FerryError } from '../protocol/error-codes'
import type { RemoteClient } from './backends'
import type { Connector } from './secure-access'

export interface JobCall {
  method: 'downloadTree' | 'uploadFiles'
  remotePath?: string
  localDir?: string
  files: JobFile[]
  options: JobOptions & { overwrite?: boolean; mode?: string }
}

export interface JobScript {
  /** The files of a remote folder (downloadTree) by its path; default: `count` files of `size` bytes. */
  tree?: (remotePath: string, localDir: string) => JobFile[]
  count?: number
  size?: number
  /** Why file number i fails, or null. */
  fail?: (file: JobFile, index: number) => ErrorCode | null
  /** Resolves when the job may go past file number `holdAt` (a test cancels or quits meanwhile). */
  holdAt?: number
  hold?: Promise<void>
}

export class FakeJobClient {
  readonly calls: JobCall[] = []
  /** Called when a job reaches holdAt. */
  onHold: (() => void) | null = null
  closed = false
  readonly hello = { server: 'fake', protocol: 1, idleTimeoutMs: 300_000, readOnly: false }
  readonly fingerprint = null
  readonly idleTimeoutMs = 300_000

  constructor(public script: JobScript = {}) {}

  connector(): Connector {
    return { connect: async () => this as unknown as RemoteClient }
  }

  downloadTree(remotePath: string, localDir: string, options: JobCall['options']): Promise<JobResult> {
    const files = this.script.tree
      ? this.script.tree(remotePath, localDir)
      : Array.from({ length: this.script.count ?? 10 }, (_, i) => ({
          remote: `${remotePath}/d${Math.floor(i / 1000)}/f${i}.txt`,
          local: `${localDir}/d${Math.floor(i / 1000)}/f${i}.txt`,
          size: this.script.size ?? 100,
        }))
    this.calls.push({ method: 'downloadTree', remotePath, localDir, files, options })
    return this.run(files, options)
  }

  uploadFiles(files: JobFile[], options: JobCall['options']): Promise<JobResult> {
    this.calls.push({ method: 'uploadFiles', files, options })
    return this.run(files, options)
  }

  async close(): Promise<void> {
    this.closed = true
  }

  on(): this {
    return this
  }

  private async run(files: JobFile[], options: JobCall['options']): Promise<JobResult> {
    const result: JobResult = { filesTotal: files.length, done: 0, skipped: 0, failed: [], bytes: 0 }
    const total = files.reduce((sum, f) => sum + f.size, 0)
    let bytes = 0
    for (const [i, file] of files.entries()) {
      if (i === this.script.holdAt) {
        this.onHold?.()
        await Promise.race([this.script.hold, aborted(options.signal)])
      }
      if (options.signal?.aborted) {
        return { ...result, stoppedBy: new FerryError('CANCELLED', 'cancelled') }
      }
      // Let timers and I/O run now and then, as a real job does between files.
      if (i % 200 === 0) await new Promise((resolve) => setImmediate(resolve))
      let outcome: FileOutcome
      const code = options.skip?.has(file.remote) ? null : (this.script.fail?.(file, i) ?? null)
      if (options.skip?.has(file.remote)) {
        result.skipped += 1
        outcome = { file, state: 'skipped', remotePath: file.remote }
      } else if (code) {
        outcome = {
          file,
          state: 'failed',
          remotePath: file.remote,
          error: new FerryError(code, `${code} for ${file.remote}`),
        }
        result.failed.push(outcome)
      } else {
        result.done += 1
        result.bytes += file.size
        outcome = { file, state: 'done', remotePath: file.remote }
      }
      bytes += file.size
      options.onFile?.(outcome)
      options.onProgress?.({
        bytes,
        total,
        rate: 1000,
        filesDone: result.done,
        filesFailed: result.failed.length,
        filesSkipped: result.skipped,
        filesTotal: files.length,
      })
    }
    return result
  }
}

function aborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return
    if (signal.aborted) return resolve()
    signal.addEventListener('abort', () => resolve(), { once: true })
  })
}
