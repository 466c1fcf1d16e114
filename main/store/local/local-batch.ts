// LocalStore.putFiles: many small files placed like staged uploads (visible only once complete, never a partial),
// each succeeding or failing on its own, at a fraction of the cost. The folder checks run once per folder, the
// per-file steps are synchronous calls while they stay fast (the SyncGate that guards small reads), and the
// whole set is made durable with two group syncs (the staged files before they are placed, then the folders that
// received them) instead of one fsync per file. It resolves only after that: a result means durable.
import { createHash } from 'node:crypto'
import fs, { promises as fsp, type Stats } from 'node:fs'
import { FerryError, fromSystemError } from '../../protocol/error-codes'
import { joinRelativePath, numberedName, parentPath, parseRelativePath } from '../../protocol/paths'
import type { PutFileResult, PutFilesOptions, SmallFile } from '../share-store'
import type { LocalContext } from './local-context'
import type { PinnedFolder } from './share-root'
import type { SyncGate } from './sync-gate'

/** Numbered names tried in 'rename' mode, as a staged upload does. */
const MAX_NUMBERED = 9999
/** Files handled between two turns of the event loop, so other sessions are served during a large batch. */
const YIELD_EVERY = 32

interface Staged {
  index: number
  wirePath: string
  name: string
  data: Uint8Array
  sha256: string
  folder: string
  part: string
  /** Lets go of the temp file's name (the sweep leaves it alone until then). */
  release: () => void
}

/** Files of one batch in one folder: the folder is resolved, checked and held open once for all of them. */
interface FolderGroup {
  wirePath: string
  pinned: PinnedFolder | null
  error: FerryError | null
}

const failed = (err: unknown, what: string): PutFileResult => ({
  ok: false,
  error: fromSystemError(err, what),
})

function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/** The synchronous step when the gate allows it, the thread pool otherwise. */
function run<T>(gate: SyncGate, sync: () => T, async: () => Promise<T>): Promise<T> {
  if (!gate.open) return async()
  try {
    return Promise.resolve(gate.time(sync))
  } catch (err: unknown) {
    return Promise.reject(err)
  }
}

function lstatOrNull(gate: SyncGate, file: string): Promise<Stats | null> {
  return run(
    gate,
    () => fs.lstatSync(file, { throwIfNoEntry: false }) ?? null,
    () =>
      fsp.lstat(file).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
        throw err
      }),
  )
}

export async function putFiles(
  ctx: LocalContext,
  files: readonly SmallFile[],
  options: PutFilesOptions,
): Promise<PutFileResult[]> {
  const results: PutFileResult[] = new Array<PutFileResult>(files.length)
  const folders = new Map<string, FolderGroup>()
  const staged: Staged[] = []
  try {
    await check(ctx, files, options, results, folders, staged)
    await admit(ctx, options, staged, results)
    await writeParts(ctx, staged, results)
    const written = staged.filter((s) => results[s.index] === undefined)
    await ctx.groupSync.sync(written.map((s) => s.part))
    const touched = await place(ctx, options, written, results, folders)
    await ctx.groupSync.sync([], touched)
  } finally {
    await Promise.all([...folders.values()].map((g) => g.pinned?.close()))
    // Anything staged but not placed (a failure after writing) is a private temp file: remove it.
    await Promise.all(staged.map((s) => fsp.rm(s.part, { force: true }).catch(() => undefined)))
    for (const s of staged) s.release()
  }
  return results
}

/** Per file: path rules, the folder, and what is already at the target. */
async function check(
  ctx: LocalContext,
  files: readonly SmallFile[],
  options: PutFilesOptions,
  results: PutFileResult[],
  folders: Map<string, FolderGroup>,
  staged: Staged[],
): Promise<void> {
  for (let index = 0; index < files.length; index++) {
    const file = files[index] as SmallFile
    if (index % YIELD_EVERY === YIELD_EVERY - 1) await turn()
    try {
      const name = parseRelativePath(file.path).at(-1)
      if (name === undefined) throw new FerryError('PATH_INVALID', 'the share root itself cannot be changed')
      const group = await folderOf(ctx, folders, parentPath(file.path))
      if (group.error || !group.pinned) throw group.error
      const existing = await lstatOrNull(ctx.syncGate, group.pinned.at(name))
      if (existing) {
        const stats = existing.isSymbolicLink() ? await symlinkTarget(ctx, group, name, file.path) : existing
        if (stats.isDirectory()) throw new FerryError('IS_A_DIRECTORY', `${file.path}: is a folder`)
        if (options.skipIdentical && stats.isFile() && stats.size === file.data.length) {
          if ((await hashOf(ctx, group.pinned.at(name))) === file.sha256) {
            const size = file.data.length
            results[index] = { ok: true, path: file.path, size, sha256: file.sha256, existed: true }
            continue
          }
        }
        if (options.mode === 'fail') throw new FerryError('EXISTS', `${file.path}: already exists`)
      }
      const slot = ctx.uploads.privateSlot()
      const { file: part, release } = slot
      staged.push({ ...file, index, wirePath: file.path, name, folder: group.wirePath, part, release })
    } catch (err: unknown) {
      results[index] = failed(err, file.path)
    }
  }
}

/** SHA-256 of a small file already in the share (no larger than the one it is compared with, so read whole). */
async function hashOf(ctx: LocalContext, file: string): Promise<string> {
  const data = await run(
    ctx.syncGate,
    () => fs.readFileSync(file),
    () => fsp.readFile(file),
  )
  return createHash('sha256').update(data).digest('hex')
}

/** A symlink at the target is judged by where it leads, and refused if that is outside (as stage() does). */
async function symlinkTarget(
  ctx: LocalContext,
  group: FolderGroup,
  name: string,
  wirePath: string,
): Promise<Stats> {
  const target = await ctx.share.resolveTarget(joinRelativePath(group.wirePath, name))
  return fsp.stat(target.targetReal).catch((err: unknown) => {
    throw fromSystemError(err, wirePath)
  })
}

async function folderOf(
  ctx: LocalContext,
  folders: Map<string, FolderGroup>,
  wirePath: string,
): Promise<FolderGroup> {
  const known = folders.get(wirePath)
  if (known) return known
  const group: FolderGroup = { wirePath, pinned: null, error: null }
  folders.set(wirePath, group)
  try {
    const { real } = await ctx.share.resolveExisting(wirePath)
    const stats = await fsp.stat(real).catch((err: unknown) => {
      throw fromSystemError(err, wirePath)
    })
    if (!stats.isDirectory())
      throw new FerryError('NOT_A_DIRECTORY', `${JSON.stringify(wirePath)} is not a folder`)
    group.pinned = await ctx.share.pinFolder(real, wirePath)
    // Staged files are linked into place, which only works within one file system (a mount inside the share).
    const tmp = await fsp.stat(ctx.uploads.tmpDir)
    if (tmp.dev !== stats.dev) {
      throw new FerryError(
        'UNSUPPORTED',
        `${wirePath || 'share root'} is on another file system; upload files one by one`,
      )
    }
  } catch (err: unknown) {
    group.error = fromSystemError(err, wirePath)
  }
  return group
}

/**
 * The caller's admission (quota) and free space for all of it at once; when not all of it fits, files are
 * admitted in order while they do, and the rest fail with the reason (NO_SPACE, QUOTA_EXCEEDED) on their own.
 */
async function admit(
  ctx: LocalContext,
  options: PutFilesOptions,
  staged: Staged[],
  results: PutFileResult[],
): Promise<void> {
  const bytes = staged.reduce((sum, s) => sum + s.data.length, 0)
  try {
    await options.admit?.(bytes)
    await ctx.uploads.assertSpace(ctx.share.real, bytes)
    return
  } catch {
    // Some of it may still fit: see below, file by file.
  }
  let admitted = 0
  for (const s of staged) {
    try {
      await options.admit?.(s.data.length)
      await ctx.uploads.assertSpace(ctx.share.real, admitted + s.data.length)
      admitted += s.data.length
    } catch (err: unknown) {
      results[s.index] = failed(err, s.wirePath)
    }
  }
}

async function writeParts(ctx: LocalContext, staged: Staged[], results: PutFileResult[]): Promise<void> {
  for (let i = 0; i < staged.length; i++) {
    const s = staged[i] as Staged
    if (results[s.index] !== undefined) continue
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await turn()
    try {
      await run(
        ctx.syncGate,
        () => fs.writeFileSync(s.part, s.data, { flag: 'wx', mode: 0o666 }),
        () => fsp.writeFile(s.part, s.data, { flag: 'wx', mode: 0o666 }),
      )
    } catch (err: unknown) {
      results[s.index] = failed(err, s.wirePath)
    }
  }
}

/**
 * Moves each durable staged file into place (link when it must not replace anything, rename over otherwise)
 * and returns the folders that changed, for the second group sync.
 */
async function place(
  ctx: LocalContext,
  options: PutFilesOptions,
  written: Staged[],
  results: PutFileResult[],
  folders: Map<string, FolderGroup>,
): Promise<string[]> {
  const touched = new Set<string>()
  for (let i = 0; i < written.length; i++) {
    const s = written[i] as Staged
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await turn()
    const pinned = folders.get(s.folder)?.pinned
    if (!pinned) continue
    try {
      const name =
        options.mode === 'overwrite'
          ? await renameOver(ctx, pinned, s)
          : await linkFree(ctx, pinned, s, options.mode)
      touched.add(pinned.path)
      results[s.index] = {
        ok: true,
        path: joinRelativePath(s.folder, name),
        size: s.data.length,
        sha256: s.sha256,
      }
    } catch (err: unknown) {
      results[s.index] = failed(err, s.wirePath)
    }
  }
  return [...touched]
}

async function renameOver(ctx: LocalContext, pinned: PinnedFolder, s: Staged): Promise<string> {
  const target = pinned.at(s.name)
  const now = await lstatOrNull(ctx.syncGate, target)
  if (now?.isDirectory()) throw new FerryError('IS_A_DIRECTORY', `${s.wirePath}: is a folder`)
  await run(
    ctx.syncGate,
    () => fs.renameSync(s.part, target),
    () => fsp.rename(s.part, target),
  )
  return s.name
}

/** link() fails if the name was taken meanwhile, unlike rename(): the create-only and numbered modes rely on it. */
async function linkFree(
  ctx: LocalContext,
  pinned: PinnedFolder,
  s: Staged,
  mode: 'fail' | 'rename',
): Promise<string> {
  for (let n = 1; n <= MAX_NUMBERED; n++) {
    const candidate = n === 1 ? s.name : numberedName(s.name, n)
    try {
      await run(
        ctx.syncGate,
        () => fs.linkSync(s.part, pinned.at(candidate)),
        () => fsp.link(s.part, pinned.at(candidate)),
      )
    } catch (err: unknown) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      if (mode === 'fail') throw new FerryError('EXISTS', `${s.wirePath}: already exists`)
      continue
    }
    await run(
      ctx.syncGate,
      () => fs.unlinkSync(s.part),
      () => fsp.unlink(s.part),
    )
    return candidate
  }
  throw new FerryError('EXISTS', `${s.wirePath}: no free numbered name left`)
}
