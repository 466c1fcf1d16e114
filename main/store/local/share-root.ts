// The share root jail. Wire paths are validated by parseRelativePath (rejected, never rewritten); then every
// resolution goes through realpath, and whatever it lands on must be inside the real root and outside the
// server's reserved .ferry folder. Symlinks inside the share are followed only while they stay inside it. What
// was opened is checked once more and folders are held open by the platform's FdPinning (fd-pinning.ts).
import fs, { promises as fsp, type Stats } from 'node:fs'
import path from 'node:path'
import { FerryError, fromSystemError } from '../../protocol/error-codes'
import { RESERVED_PREFIX } from '../../protocol/limits'
import { parseRelativePath } from '../../protocol/paths'
import { choosePinning, type FdPinning, type PinnedFolder } from './fd-pinning'

export type { PinnedFolder } from './fd-pinning'

export interface ResolvedEntry {
  /** The validated wire path ('' is the root). */
  wirePath: string
  /** Real (symlink-free) absolute path of the entry, inside the root. */
  real: string
}

export interface ResolvedTarget {
  wirePath: string
  /** Real path of the folder that holds (or will hold) the target. */
  parentReal: string
  /** Last segment of the wire path. */
  name: string
  /** parentReal joined with name: the link itself if the target is a symlink. */
  target: string
  /** lstat of the target, or null when nothing is there yet. */
  existing: Stats | null
  /** For a symlink target that stays inside: its real path; otherwise equal to target. */
  targetReal: string
}

/**
 * Read-only opens never block: O_NONBLOCK makes opening a FIFO return at once (it has no effect on regular
 * files), where a plain open would wait for a writer and hang a thread.
 */
export const READ_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0)
const NO_FOLLOW: number | undefined = fs.constants.O_NOFOLLOW
/** Parsed wire paths remembered (parsing runs several regexes and Unicode normalizations per segment). */
const PLAN_MEMO_ENTRIES = 4096

/** A path whose folders were all lstat'ed as real folders just now. */
export interface PlainProbe {
  /** Absolute path of the last segment (its real path unless it is itself a symlink). */
  file: string
  /** lstat of the last segment when asked for; undefined when it does not exist or was not asked for. */
  stats: Stats | undefined
}

interface PathPlan {
  folders: string[]
  file: string
}

function escapes(wirePath: string): FerryError {
  return new FerryError('PATH_INVALID', `${JSON.stringify(wirePath)} leads outside the share`)
}

export class ShareRoot {
  private readonly prefix: string
  private readonly plans = new Map<string, PathPlan>()

  private constructor(
    readonly real: string,
    /** How opened files and folders are checked and held (fd-pinning.ts). */
    readonly pinning: FdPinning,
  ) {
    this.prefix = real.endsWith(path.sep) ? real : real + path.sep
  }

  /** Creates the folder if missing and pins its real path. `pinning` defaults to this platform's (choosePinning). */
  static async open(root: string, pinning: FdPinning = choosePinning()): Promise<ShareRoot> {
    const absolute = path.resolve(root)
    try {
      await fsp.mkdir(absolute, { recursive: true })
      const real = await fsp.realpath(absolute)
      const stats = await fsp.stat(real)
      if (!stats.isDirectory())
        throw new FerryError('NOT_A_DIRECTORY', `share root ${absolute} is not a folder`)
      return new ShareRoot(real, pinning)
    } catch (err: unknown) {
      throw fromSystemError(err, `share root ${absolute}`)
    }
  }

  /** Absolute path of a path inside the server's own bookkeeping folder. */
  internal(...parts: string[]): string {
    return path.join(this.real, RESERVED_PREFIX, ...parts)
  }

  /** True when a real path is the root or inside it, and not inside the reserved folder. */
  contains(real: string): boolean {
    if (real === this.real) return true
    if (!real.startsWith(this.prefix)) return false
    const first = real.slice(this.prefix.length).split(path.sep, 1)[0] ?? ''
    return !first.toLowerCase().startsWith(RESERVED_PREFIX)
  }

  /** Resolves an existing entry, following symlinks that stay inside. NOT_FOUND, PATH_INVALID. */
  async resolveExisting(wirePath: string): Promise<ResolvedEntry> {
    const segments = parseRelativePath(wirePath)
    if (segments.length === 0) return { wirePath, real: this.real }
    let real: string
    try {
      real = await fsp.realpath(path.join(this.real, ...segments))
    } catch (err: unknown) {
      // "Not found" under a link that leads out would reveal what exists outside: judge the ancestor first.
      if (!(await this.deepestAncestorInside(segments))) throw escapes(wirePath)
      throw fromSystemError(err, wirePath)
    }
    if (!this.contains(real)) throw escapes(wirePath)
    return { wirePath, real }
  }

  /**
   * Opens an existing entry read-only with synchronous calls (the guarded small-file fast path). Where the
   * platform has O_NOFOLLOW, a path free of symlinks below the root is opened with one lstat per folder level and
   * no realpath; anything else (a symlink on the way, an error) goes through resolveExistingSync.
   */
  openReadSync(wirePath: string, probe: PlainProbe | null = this.probePlainSync(wirePath, false)): number {
    let fd: number | null = null
    if (probe !== null) {
      try {
        fd = fs.openSync(probe.file, READ_FLAGS | NO_FOLLOW!)
      } catch {
        // A symlink (ELOOP) or an error: decide the slow way, which also gives the right error.
      }
    }
    fd ??= fs.openSync(this.resolveExistingSync(wirePath).real, READ_FLAGS)
    try {
      this.assertOpenedInside(fd, wirePath)
    } catch (err: unknown) {
      fs.closeSync(fd)
      throw err
    }
    return fd
  }

  /**
   * Opens a folder found by the checks (a real path inside) and verifies what was opened (see PinnedFolder).
   * PATH_INVALID if it lies outside by then.
   */
  pinFolder(realDir: string, wirePath: string): Promise<PinnedFolder> {
    return this.pinning.pin(realDir, wirePath, (fd) => this.assertOpenedInside(fd, wirePath))
  }

  /**
   * Checks what an open fd really refers to: a folder on the way may have been swapped for a symlink between
   * the path checks and the open (the open follows it). Linux tells through /proc/self/fd; where it cannot
   * (another platform, no procfs mounted) the checks before the open are all there is. PATH_INVALID if outside.
   * The caller closes the fd when this throws. Returns whether the fd could be read back at all.
   */
  assertOpenedInside(fd: number, wirePath: string): boolean {
    const target = this.pinning.readBack(fd)
    if (target === null) return false
    // A file unlinked after the open reads back as "<path> (deleted)"; where it lived is what counts.
    if (!this.contains(target.replace(/ \(deleted\)$/, ''))) throw escapes(wirePath)
    return true
  }

  /**
   * Walks a path with lstat: every folder on the way must be a real folder (no symlink), which makes the joined
   * path its own real path. Returns null when that is not so (or the platform has no O_NOFOLLOW), so the caller
   * takes the realpath route. With `lstatFile`, also returns the lstat of the last segment (undefined if absent).
   */
  probePlainSync(wirePath: string, lstatFile: boolean): PlainProbe | null {
    if (NO_FOLLOW === undefined) return null
    const plan = this.planOf(wirePath)
    if (plan === null) return null
    for (const dir of plan.folders) {
      const stats = fs.lstatSync(dir, { throwIfNoEntry: false })
      if (stats === undefined || !stats.isDirectory()) return null
    }
    const stats = lstatFile ? fs.lstatSync(plan.file, { throwIfNoEntry: false }) : undefined
    return { file: plan.file, stats }
  }

  /** The absolute folders and file a validated wire path names (a pure function of it, so memoized). */
  private planOf(wirePath: string): PathPlan | null {
    let plan = this.plans.get(wirePath)
    if (plan !== undefined) return plan
    const segments = parseRelativePath(wirePath)
    if (segments.length === 0) return null
    // Validated segments hold no separator, '.' or '..': plain concatenation is the normalized path.
    const folders: string[] = []
    let at = this.real
    for (let i = 0; i < segments.length - 1; i++) {
      at = at + path.sep + segments[i]!
      folders.push(at)
    }
    plan = { folders, file: at + path.sep + segments[segments.length - 1]! }
    if (this.plans.size >= PLAN_MEMO_ENTRIES) this.plans.clear()
    this.plans.set(wirePath, plan)
    return plan
  }

  /** resolveExisting with synchronous calls. */
  resolveExistingSync(wirePath: string): ResolvedEntry {
    const segments = parseRelativePath(wirePath)
    if (segments.length === 0) return { wirePath, real: this.real }
    let real: string
    try {
      real = fs.realpathSync.native(path.join(this.real, ...segments))
    } catch (err: unknown) {
      for (let depth = segments.length - 1; depth > 0; depth--) {
        let ancestor: string
        try {
          ancestor = fs.realpathSync.native(path.join(this.real, ...segments.slice(0, depth)))
        } catch {
          continue
        }
        if (!this.contains(ancestor)) throw escapes(wirePath)
        break
      }
      throw fromSystemError(err, wirePath)
    }
    if (!this.contains(real)) throw escapes(wirePath)
    return { wirePath, real }
  }

  private async deepestAncestorInside(segments: string[]): Promise<boolean> {
    for (let depth = segments.length - 1; depth > 0; depth--) {
      const real = await fsp.realpath(path.join(this.real, ...segments.slice(0, depth))).catch(() => null)
      if (real !== null) return this.contains(real)
    }
    return true
  }

  /**
   * Resolves a path whose last segment is to be created, replaced, removed or renamed: its parent must exist,
   * be a folder and be inside; the target itself is lstat'ed (a symlink is judged by where it leads).
   */
  async resolveTarget(wirePath: string): Promise<ResolvedTarget> {
    const segments = parseRelativePath(wirePath)
    const name = segments.pop()
    if (name === undefined) throw new FerryError('PATH_INVALID', 'the share root itself cannot be changed')
    const parent = await this.resolveExisting(segments.join('/'))
    let parentStats: Stats
    try {
      parentStats = await fsp.stat(parent.real)
    } catch (err: unknown) {
      throw fromSystemError(err, parent.wirePath)
    }
    if (!parentStats.isDirectory()) {
      throw new FerryError('NOT_A_DIRECTORY', `${JSON.stringify(parent.wirePath)} is not a folder`)
    }
    const target = path.join(parent.real, name)
    let existing: Stats | null = null
    try {
      existing = await fsp.lstat(target)
    } catch (err: unknown) {
      if ((err as { code?: unknown }).code !== 'ENOENT') throw fromSystemError(err, wirePath)
    }
    let targetReal = target
    if (existing?.isSymbolicLink()) {
      try {
        targetReal = await fsp.realpath(target)
      } catch {
        // A dangling link may point anywhere; writing through or over it is refused.
        throw escapes(wirePath)
      }
      if (!this.contains(targetReal)) throw escapes(wirePath)
    }
    return { wirePath, parentReal: parent.real, name, target, existing, targetReal }
  }
}
