// Where uploads live until they are complete, and how they become visible. Partial uploads sit in
// <root>/.ferry/partial/<sha256 of (path, size, sha256)>.part so a retry of the same upload can resume; a second
// concurrent upload of the same thing gets a private file in .ferry/tmp instead. A verified file is placed with
// one atomic step (rename over, or link when it must not clobber), so the share never shows a partial file.
import { createHash, randomBytes } from 'node:crypto'
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { FerryError, fromSystemError } from '../protocol/error-codes'
import type { OverwriteMode } from '../protocol/messages'
import { numberedName } from '../protocol/paths'
import { KeyedMutex } from './keyed-mutex'
import type { ShareRoot } from './share-root'

/** Partials untouched for this long are removed when the server starts. */
export const STALE_PARTIAL_MS = 24 * 60 * 60 * 1000
/** 'rename' mode gives up after name (2) ... name (MAX_NUMBERED). */
const MAX_NUMBERED = 9999
/** Errors that mean "this file system cannot hard-link here": fall back to check-then-rename under a lock. */
const NO_LINK = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK', 'EACCES'])

export interface PartialSlot {
  file: string
  /** True when it is the resumable slot (kept after a dropped connection); false for a private temp file. */
  resumable: boolean
  /** Frees the slot, at once or when `flushed` settles (the last writes of a dropped upload). */
  release(flushed?: Promise<void>): void
}

function sysCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : ''
}

export class UploadStore {
  /** Resumable slots in use: key -> null while its upload runs, or the promise of its final flush. */
  private readonly active = new Map<string, Promise<void> | null>()
  private readonly locks = new KeyedMutex()

  private constructor(
    readonly partialDir: string,
    readonly tmpDir: string,
  ) {}

  /** Creates .ferry/{partial,tmp}, refuses if they are symlinks, and sweeps leftovers. */
  static async open(share: ShareRoot, now = Date.now()): Promise<UploadStore> {
    const store = new UploadStore(share.internal('partial'), share.internal('tmp'))
    for (const dir of [share.internal(), store.partialDir, store.tmpDir]) {
      await fsp.mkdir(dir, { recursive: true })
      const stats = await fsp.lstat(dir)
      if (!stats.isDirectory()) throw new FerryError('PATH_INVALID', `${dir} must be a real folder`)
    }
    await store.sweep(now)
    return store
  }

  /** Removes everything in .ferry/tmp and partials not modified for STALE_PARTIAL_MS. */
  async sweep(now = Date.now()): Promise<void> {
    for (const name of await fsp.readdir(this.tmpDir)) {
      await fsp.rm(path.join(this.tmpDir, name), { recursive: true, force: true })
    }
    for (const name of await fsp.readdir(this.partialDir)) {
      const file = path.join(this.partialDir, name)
      const stats = await fsp.lstat(file).catch(() => null)
      if (stats && now - stats.mtimeMs > STALE_PARTIAL_MS)
        await fsp.rm(file, { recursive: true, force: true })
    }
  }

  static keyOf(wirePath: string, size: number, sha256: string): string {
    return createHash('sha256')
      .update(JSON.stringify([wirePath, size, sha256]))
      .digest('hex')
  }

  /**
   * Claims the resumable slot of an upload. If a dropped upload is still flushing that slot, waits for it (so a
   * quick reconnect resumes from everything received); if a live upload holds it, returns a private temp file.
   */
  async claim(wirePath: string, size: number, sha256: string): Promise<PartialSlot> {
    const key = UploadStore.keyOf(wirePath, size, sha256)
    let holder = this.active.get(key)
    while (holder) {
      await holder
      holder = this.active.get(key)
    }
    if (holder === null) {
      const file = path.join(this.tmpDir, `${randomBytes(12).toString('hex')}.part`)
      return { file, resumable: false, release: () => undefined }
    }
    this.active.set(key, null)
    let released = false
    return {
      file: path.join(this.partialDir, `${key}.part`),
      resumable: true,
      release: (flushed?: Promise<void>) => {
        if (released) return
        released = true
        if (!flushed) {
          this.active.delete(key)
          return
        }
        const done: Promise<void> = flushed
          .catch(() => undefined)
          .then(() => {
            if (this.active.get(key) === done) this.active.delete(key)
          })
        this.active.set(key, done)
      },
    }
  }

  /**
   * Moves a verified partial to its place and returns the final name. 'overwrite' renames over (the old file
   * stays intact until that instant); 'fail' links, so a file created meanwhile is never clobbered; 'rename'
   * links to the first free numbered name.
   */
  async place(partial: string, parentReal: string, name: string, mode: OverwriteMode): Promise<string> {
    let source = partial
    try {
      source = await this.sameDeviceSource(partial, parentReal)
      if (mode === 'overwrite') {
        await this.renameOver(source, path.join(parentReal, name), name)
        return name
      }
      for (let n = 1; n <= MAX_NUMBERED; n++) {
        const candidate = n === 1 ? name : numberedName(name, n)
        if (await this.linkIfAbsent(source, path.join(parentReal, candidate))) return candidate
        if (mode === 'fail') throw new FerryError('EXISTS', `${name}: already exists`)
      }
      throw new FerryError('EXISTS', `${name}: no free numbered name left`)
    } finally {
      if (source !== partial) await fsp.rm(source, { force: true })
    }
  }

  private async renameOver(source: string, target: string, name: string): Promise<void> {
    const now = await fsp.lstat(target).catch(() => null)
    if (now?.isDirectory()) throw new FerryError('IS_A_DIRECTORY', `${name}: is a folder`)
    try {
      await fsp.rename(source, target)
    } catch (err: unknown) {
      throw fromSystemError(err, name)
    }
  }

  /** True when placed; false when the name is taken. The source stays where it is either way. */
  private async linkIfAbsent(source: string, target: string): Promise<boolean> {
    try {
      await fsp.link(source, target)
      await fsp.unlink(source)
      return true
    } catch (err: unknown) {
      const code = sysCode(err)
      if (code === 'EEXIST') return false
      if (!NO_LINK.has(code)) throw fromSystemError(err, path.basename(target))
    }
    return this.locks.run(target, async () => {
      if (await fsp.lstat(target).catch(() => null)) return false
      await fsp.rename(source, target).catch((err: unknown) => {
        throw fromSystemError(err, path.basename(target))
      })
      return true
    })
  }

  /**
   * Renames only work within one file system; if the target folder is on another (a mount inside the share),
   * the partial is first copied to a hidden temp name next to the target.
   */
  private async sameDeviceSource(partial: string, parentReal: string): Promise<string> {
    const [a, b] = await Promise.all([fsp.stat(partial), fsp.stat(parentReal)])
    if (a.dev === b.dev) return partial
    const copy = path.join(parentReal, `.ferry-tmp-${randomBytes(12).toString('hex')}`)
    await fsp.copyFile(partial, copy)
    const handle = await fsp.open(copy, 'r+')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
    await fsp.rm(partial, { force: true })
    return copy
  }

  /** Fails early when the share has no room for what is still to come. */
  async assertSpace(dir: string, bytesNeeded: number): Promise<void> {
    if (bytesNeeded <= 0) return
    const fs = await fsp.statfs(dir).catch(() => null)
    if (fs && fs.bavail * fs.bsize < bytesNeeded) {
      throw new FerryError('NO_SPACE', `not enough free space for ${bytesNeeded} bytes`)
    }
  }
}
