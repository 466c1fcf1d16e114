// Group durability: many just-written small files made durable together instead of one fsync each. On Linux
// one syncfs(2) (coreutils' `sync -f`, since Node has no binding for it) commits every dirty file and folder of
// the file system at once; callers that arrive while one runs share the next one, so under load there is at most
// one running and one waiting per group. Elsewhere, or when `sync -f` is not there or fails, each file is
// fdatasync'ed and each folder fsync'ed, all at once, so the file system can still fold them into few commits.
// Measured figures are in docs/BENCHMARKS.md ("many files").
import { execFile } from 'node:child_process'
import { promises as fsp } from 'node:fs'

type Waiter = { resolve: () => void; reject: (err: unknown) => void }

/** Whether `sync -f` works here: learnt on first use, once per process. */
let syncfsWorks: boolean | null = process.platform === 'linux' ? null : false

function syncfs(anyPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('sync', ['-f', anyPath], { timeout: 120_000, windowsHide: true }, (err) =>
      err ? reject(err) : resolve(),
    )
  })
}

async function syncEach(files: readonly string[], folders: readonly string[]): Promise<void> {
  const one = async (p: string, folder: boolean): Promise<void> => {
    const handle = await fsp.open(p, folder ? 'r' : 'r+')
    try {
      if (folder) await handle.sync()
      else await handle.datasync()
    } catch (err: unknown) {
      // Some platforms (Windows) cannot fsync a folder; the entries are then as durable as that system makes them.
      const code = (err as NodeJS.ErrnoException).code
      if (!folder || (code !== 'EPERM' && code !== 'EISDIR' && code !== 'EINVAL')) throw err
    } finally {
      await handle.close()
    }
  }
  await Promise.all([...files.map((f) => one(f, false)), ...folders.map((d) => one(d, true))])
}

/**
 * One group per file system the caller writes to (e.g. a share, or a download target). `sync` resolves once
 * everything written before the call, in those files and folders, is durable.
 */
export class GroupSync {
  private running: Promise<void> | null = null
  private waiting: Waiter[] = []
  private waitingFiles: string[] = []
  private waitingFolders: string[] = []
  /** syncfs calls made and files they covered, for tests and the bench. */
  readonly stats = { groups: 0, files: 0 }

  /** `anyPath` names something on the file system to sync (syncfs needs one open file of it). */
  constructor(
    private readonly anyPath: string,
    private readonly mode: 'auto' | 'each' = 'auto',
  ) {}

  sync(files: readonly string[], folders: readonly string[] = []): Promise<void> {
    if (files.length === 0 && folders.length === 0) return Promise.resolve()
    if (this.mode === 'each' || syncfsWorks === false) {
      this.stats.groups++
      this.stats.files += files.length
      return syncEach(files, folders)
    }
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject })
      this.waitingFiles.push(...files)
      this.waitingFolders.push(...folders)
      if (!this.running) this.startNext()
    })
  }

  private startNext(): void {
    const waiters = this.waiting
    const files = this.waitingFiles
    const folders = this.waitingFolders
    this.waiting = []
    this.waitingFiles = []
    this.waitingFolders = []
    if (waiters.length === 0) {
      this.running = null
      return
    }
    this.stats.groups++
    this.stats.files += files.length
    this.running = this.syncGroup(files, folders).then(
      () => waiters.forEach((w) => w.resolve()),
      (err: unknown) => waiters.forEach((w) => w.reject(err)),
    )
    void this.running.then(() => this.startNext())
  }

  private async syncGroup(files: string[], folders: string[]): Promise<void> {
    if (syncfsWorks !== false) {
      try {
        await syncfs(this.anyPath)
        syncfsWorks = true
        return
      } catch {
        // Never worked (no coreutils `sync -f` here): per file and folder from now on. Worked before: this once.
        if (syncfsWorks === null) syncfsWorks = false
      }
    }
    await syncEach(files, folders)
  }
}
