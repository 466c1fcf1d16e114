// One writer per staged upload in this process. S3 cannot tell two writers of one multipart upload apart (their
// parts overwrite each other and the commit then fails), so a second stage() of the same (path, size, key) while
// the first is still open waits a moment for it to let go: usually the first is the client's previous connection,
// dropped but not yet noticed, and the second is its resume. If the first is still writing after the wait, the
// second is staged privately (a key of its own): both uploads then complete on their own and the last commit
// wins whole, as two uploads of one name do. Across servers the same can only be caught at commit (see
// s3-staged-write.ts).
import { randomUUID } from 'node:crypto'
import type { CommitResult, StagedWrite } from '../share-store'

/** Default wait for the previous writer of the same staged upload. */
export const DEFAULT_WRITER_WAIT_MS = 2000

export interface WriterClaim {
  /** The key to stage under: the one asked for, or a private one when the first writer did not let go. */
  key: string
  /** False when the key is private (nothing can resume it). */
  shared: boolean
  /** Wraps the opened write so its commit or abandon lets the next writer in. */
  track(write: StagedWrite): StagedWrite
  /** Lets go without a write (opening it failed). */
  release(): void
}

export class StagedWriters {
  private readonly open = new Map<string, Promise<void>>()

  constructor(private readonly waitMs = DEFAULT_WRITER_WAIT_MS) {}

  async claim(path: string, size: number, key: string, onWait?: () => void): Promise<WriterClaim> {
    const id = `${path}\0${size}\0${key}`
    const held = this.open.get(id)
    if (held) {
      onWait?.()
      let timer: ReturnType<typeof setTimeout> | undefined
      const waited = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), this.waitMs)
      })
      const outcome = await Promise.race([held.then(() => 'free' as const), waited])
      clearTimeout(timer)
      if (outcome === 'late' || this.open.has(id)) return this.claimPrivate(key)
    }
    let release = (): void => undefined
    const released = new Promise<void>((resolve) => {
      release = () => {
        if (this.open.get(id) === released) this.open.delete(id)
        resolve()
      }
    })
    this.open.set(id, released)
    return { key, shared: true, track: (write) => tracked(write, release), release }
  }

  private claimPrivate(key: string): WriterClaim {
    const release = (): void => undefined
    return { key: `${key}:private:${randomUUID()}`, shared: false, track: (w) => w, release }
  }
}

/** The same write, calling `release` once it is committed (either way) or abandoned. */
function tracked(write: StagedWrite, release: () => void): StagedWrite {
  return {
    get path() {
      return write.path
    },
    get size() {
      return write.size
    },
    get offset() {
      return write.offset
    },
    get prefixSha256() {
      return write.prefixSha256
    },
    write: (chunk) => write.write(chunk),
    commit: (sha256, mode): Promise<CommitResult> => write.commit(sha256, mode).finally(release),
    abandon: (options) => write.abandon(options).finally(release),
  }
}
