// Where uploads live until they are complete, and how they become visible. Partial uploads sit in
// <root>/.ferry/partial/<sha256 of (path, size, key)>.part, the key being the staged write's (the server passes
// the file's SHA-256 or the client's uploadKey), so a retry of the same upload can resume; a second
// concurrent upload of the same thing gets a private file in .ferry/tmp instead (a resume PUT first waits briefly
// for the holder, usually its own dropped connection). A verified file is placed with one atomic step (rename
// over, or link when it must not clobber), so the share never shows a partial file.
import { createHash, randomBytes } from 'node:crypto'
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { FerryError, fromSystemError } from '../../protocol/error-codes'
import type { OverwriteMode } from '../../protocol/messages'
import { numberedName } from '../../protocol/paths'
import { KeyedMutex } from '../../fs-io/keyed-mutex'
import type { ShareRoot } from './share-root'

/** Partials untouched for this long are removed when the server starts. */
export const STALE_PARTIAL_MS = 24 * 60 * 60 * 1000
/** Temp files (uploads nothing can resume, batch files before their rename) left this long are a dead writer's. */
export const STALE_TMP_MS = 10 * 60 * 1000
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

/** Default for how long a resume PUT waits for a live upload holding its partial (see UploadStore.claim). */
export const DEFAULT_RESUME_WAIT_MS = 2000

export interface UploadStoreOptions {
  /** How long a resume PUT waits for a live upload holding its partial before taking a private temp file. */
  resumeWaitMs?: number
}

/** Who holds a resumable slot: `released` settles when its upload lets go, `free` once its last writes landed. */
interface SlotHolder {
  live: boolean
  released: Promise<void>
  free: Promise<void>
}

/** True if `promise` settles within `ms`; the timer is cleared (and never keeps the process alive) either way. */
function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(false)
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms)
    timer.unref()
    void promise.then(() => {
      clearTimeout(timer)
      resolve(true)
    })
  })
}

export class UploadStore {
  /** Resumable slots in use, by key. */
  private readonly active = new Map<string, SlotHolder>()
  /** Private temp files in use (the sweep leaves them alone). */
  private readonly privateFiles = new Set<string>()
  private readonly locks = new KeyedMutex()
  readonly resumeWaitMs: number

  private constructor(
    readonly partialDir: string,
    readonly tmpDir: string,
    options: UploadStoreOptions,
  ) {
    const wait = options.resumeWaitMs ?? DEFAULT_RESUME_WAIT_MS
    if (!Number.isFinite(wait) || wait < 0) {
      throw new FerryError('INVALID_ARGUMENT', `invalid resume wait: ${wait} ms`)
    }
    this.resumeWaitMs = wait
  }

  /** Creates .ferry/{partial,tmp}, refuses if they are symlinks, and sweeps leftovers. */
  static async open(
    share: ShareRoot,
    options: UploadStoreOptions = {},
    now = Date.now(),
  ): Promise<UploadStore> {
    const store = new UploadStore(share.internal('partial'), share.internal('tmp'), options)
    for (const dir of [share.internal(), store.partialDir, store.tmpDir]) {
      await fsp.mkdir(dir, { recursive: true })
      const stats = await fsp.lstat(dir)
      if (!stats.isDirectory()) throw new FerryError('PATH_INVALID', `${dir} must be a real folder`)
    }
    await store.sweep(now)
    return store
  }

  /**
   * While serving: removes partials and temp files untouched for `olderThanMs` that no upload holds now; returns
   * how many went.
   */
  async sweepOlderThan(olderThanMs: number, now = Date.now()): Promise<number> {
    let removed = 0
    const held = (dir: string, name: string): boolean =>
      dir === this.tmpDir
        ? this.privateFiles.has(path.join(dir, name))
        : this.active.has(name.replace(/\.part$/, ''))
    for (const dir of [this.partialDir, this.tmpDir]) {
      for (const name of await fsp.readdir(dir)) {
        if (held(dir, name)) continue
        const file = path.join(dir, name)
        const stats = await fsp.lstat(file).catch(() => null)
        if (stats && now - stats.mtimeMs >= olderThanMs) {
          await fsp.rm(file, { recursive: true, force: true })
          removed++
        }
      }
    }
    return removed
  }

  /**
   * At startup: removes temp files not modified for STALE_TMP_MS and partials not modified for STALE_PARTIAL_MS.
   * By age, not all of them: another server may share this folder (docs/DEPLOY.md) and be writing its temp
   * files right now; a live write keeps touching its file.
   */
  async sweep(now = Date.now()): Promise<void> {
    for (const name of await fsp.readdir(this.tmpDir)) {
      const file = path.join(this.tmpDir, name)
      const stats = await fsp.lstat(file).catch(() => null)
      if (stats && now - stats.mtimeMs > STALE_TMP_MS) await fsp.rm(file, { recursive: true, force: true })
    }
    for (const name of await fsp.readdir(this.partialDir)) {
      const file = path.join(this.partialDir, name)
      const stats = await fsp.lstat(file).catch(() => null)
      if (stats && now - stats.mtimeMs > STALE_PARTIAL_MS)
        await fsp.rm(file, { recursive: true, force: true })
    }
  }

  /** `identity` is StageOptions.key: the server's name for the upload across retries (see share-store.ts). */
  static keyOf(wirePath: string, size: number, identity: string): string {
    return createHash('sha256')
      .update(JSON.stringify([wirePath, size, identity]))
      .digest('hex')
  }

  /** A private temp file for an upload that cannot be resumed (removed by the upload, or by the next sweep). */
  privateSlot(): PartialSlot {
    const file = path.join(this.tmpDir, `${randomBytes(12).toString('hex')}.part`)
    this.privateFiles.add(file)
    return { file, resumable: false, release: () => void this.privateFiles.delete(file) }
  }

  /**
   * Claims the resumable slot of an upload. A dropped upload still flushing the slot is always waited for, so a
   * reconnect resumes from everything received. A live upload holding it is waited for only by a resume PUT, and
   * at most resumeWaitMs: a client that reconnects after a drop usually gets here before the server has seen the
   * old connection close. If the holder is still live then (a genuinely concurrent identical upload, or a dead
   * peer not yet noticed), the new upload gets a private temp file, which cannot be resumed. The holder is never
   * cut off on a guess, not even when the new PUT comes from the same address: two uploads of the same file from
   * one machine are legitimate.
   */
  async claim(
    wirePath: string,
    size: number,
    identity: string,
    options: { resume?: boolean; onWait?: () => void } = {},
  ): Promise<PartialSlot> {
    const key = UploadStore.keyOf(wirePath, size, identity)
    const deadline = Date.now() + (options.resume ? this.resumeWaitMs : 0)
    let waited = false
    for (let holder = this.active.get(key); holder; holder = this.active.get(key)) {
      if (holder.live && options.resume && this.resumeWaitMs > 0 && !waited) {
        waited = true
        options.onWait?.()
      }
      if (holder.live && !(await settlesWithin(holder.released, deadline - Date.now()))) {
        return this.privateSlot()
      }
      await holder.free
    }
    return this.hold(key)
  }

  /** Marks the slot taken (synchronously after the last check, so two waiters cannot both get it). */
  private hold(key: string): PartialSlot {
    let onReleased!: () => void
    let onFree!: () => void
    const holder: SlotHolder = {
      live: true,
      released: new Promise((resolve) => (onReleased = resolve)),
      free: new Promise((resolve) => (onFree = resolve)),
    }
    this.active.set(key, holder)
    const free = (): void => {
      if (this.active.get(key) === holder) this.active.delete(key)
      onFree()
    }
    return {
      file: path.join(this.partialDir, `${key}.part`),
      resumable: true,
      release: (flushed?: Promise<void>) => {
        if (!holder.live) return
        holder.live = false
        if (flushed) void flushed.catch(() => undefined).then(free)
        else free()
        onReleased()
      },
    }
  }

  /**
   * Moves a verified partial to its place and returns the final name. 'overwrite' renames over (the old file
   * stays intact until that instant); 'fail' links, so a file created meanwhile is never clobbered; 'rename'
   * links to the first free numbered name. `folder` addresses the target folder (a PinnedFolder's path, so a
   * folder swapped after the checks cannot redirect the move); `parentReal` is its checked real path, which keys
   * the locks.
   */
  async place(
    partial: string,
    parentReal: string,
    name: string,
    mode: OverwriteMode,
    folder: string = parentReal,
  ): Promise<string> {
    let source = partial
    try {
      source = await this.sameDeviceSource(partial, folder)
      if (mode === 'overwrite') {
        await this.renameOver(source, path.join(folder, name), name)
        return name
      }
      for (let n = 1; n <= MAX_NUMBERED; n++) {
        const candidate = n === 1 ? name : numberedName(name, n)
        const placed = await this.linkIfAbsent(
          source,
          path.join(folder, candidate),
          path.join(parentReal, candidate),
        )
        if (placed) return candidate
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
  private async linkIfAbsent(source: string, target: string, lockKey: string): Promise<boolean> {
    try {
      await fsp.link(source, target)
      await fsp.unlink(source)
      return true
    } catch (err: unknown) {
      const code = sysCode(err)
      if (code === 'EEXIST') return false
      if (!NO_LINK.has(code)) throw fromSystemError(err, path.basename(target))
    }
    return this.locks.run(lockKey, async () => {
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
