// PUT_BATCH: many small files in one frame. The rules of a single PUT hold for each file (path checks, policy,
// quota, SHA-256 verified before anything is written, visible only once complete, never a partial), and each
// file succeeds or fails on its own. What changes is the cost: the folder checks run once per folder, the
// per-file steps are synchronous calls while they stay fast (the SyncGate that guards small GETs), and the whole
// batch is made durable with two group syncs (the staged files before they are placed, then the folders that
// received them) instead of one fsync per file. The answer is sent only after that: "done" means durable.
import { createHash } from 'node:crypto'
import fs, { promises as fsp, type Stats } from 'node:fs'
import { FerryError, fromSystemError } from '../protocol/error-codes'
import type { BatchResult, Request } from '../protocol/messages'
import { joinRelativePath, numberedName, parentPath, parseRelativePath } from '../protocol/paths'
import type { GroupSync } from '../fs-io/group-sync'
import type { Reply } from './file-ops'
import type { KeyedMutex } from '../fs-io/keyed-mutex'
import type { PinnedFolder } from '../store/local/share-root'
import type { SyncGate } from '../store/local/sync-gate'
import type { UploadContext } from './upload'

export interface BatchContext extends UploadContext {
  /** Serializes batches per folder (see serveBatch). */
  locks: KeyedMutex
  syncGate: SyncGate
  /** Group durability for the share's file system. */
  groupSync: GroupSync
  batchBudget: BatchBudget
}

type BatchRequest = Extract<Request, { op: 'PUT_BATCH' }>

/** Numbered names tried in 'rename' mode, as a single PUT does. */
const MAX_NUMBERED = 9999
/** Files handled between two turns of the event loop, so other sessions are served during a large batch. */
const YIELD_EVERY = 32

interface Staged {
  index: number
  wirePath: string
  name: string
  data: Buffer
  sha256: string
  folder: string
  part: string
}

/** Files of one batch in one folder: the folder is resolved, checked and held open once for all of them. */
interface FolderGroup {
  wirePath: string
  pinned: PinnedFolder | null
  error: FerryError | null
}

function failure(err: unknown, what: string): BatchResult {
  const error = err instanceof FerryError ? err : fromSystemError(err, what)
  return { ok: false, error: { code: error.code, message: error.message.slice(0, 1024) } }
}

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

export async function serveBatch(ctx: BatchContext, req: BatchRequest, body: Buffer): Promise<Reply> {
  const declared = req.files.reduce((sum, f) => sum + f.size, 0)
  if (declared !== body.length) {
    throw new FerryError(
      'PROTOCOL',
      `PUT_BATCH files add up to ${declared} bytes, the body has ${body.length}`,
    )
  }
  if (ctx.readOnly) throw new FerryError('READ_ONLY', 'the share is read-only')
  // Batches into the same folders run one after another: a batch sent again on a new connection (its answer was
  // lost) must find the first one's files in place, not race it to the same names.
  const keys = [...new Set(req.files.map((f) => `batch:${parentPath(f.path)}`))].sort()
  const locked = keys.reduceRight<() => Promise<Reply>>(
    (inner, key) => () => ctx.locks.run(key, inner),
    () => serveLocked(ctx, req, body),
  )
  return locked()
}

async function serveLocked(ctx: BatchContext, req: BatchRequest, body: Buffer): Promise<Reply> {
  const results: BatchResult[] = new Array<BatchResult>(req.files.length)
  const folders = new Map<string, FolderGroup>()
  const staged: Staged[] = []
  try {
    await check(ctx, req, body, results, folders, staged)
    await claimRoom(ctx, staged, results)
    await writeParts(ctx, staged, results)
    const written = staged.filter((s) => results[s.index] === undefined)
    await ctx.groupSync.sync(written.map((s) => s.part))
    const touched = await place(ctx, req, written, results, folders)
    await ctx.groupSync.sync([], touched)
  } finally {
    await Promise.all([...folders.values()].map((g) => g.pinned?.close()))
    // Anything staged but not placed (a failure after writing) is a private temp file: remove it.
    await Promise.all(staged.map((s) => fsp.rm(s.part, { force: true }).catch(() => undefined)))
  }
  ctx.events.log('info', `batch of ${req.files.length} files: ${results.filter((r) => r.ok).length} stored`)
  const out = Buffer.from(JSON.stringify(results), 'utf8')
  return { header: { count: results.length, body: out.length }, body: out }
}

/** Per file: limits, SHA-256 of the bytes received, path rules, and what is already at the target. */
async function check(
  ctx: BatchContext,
  req: BatchRequest,
  body: Buffer,
  results: BatchResult[],
  folders: Map<string, FolderGroup>,
  staged: Staged[],
): Promise<void> {
  let offset = 0
  for (let index = 0; index < req.files.length; index++) {
    const file = req.files[index] as BatchRequest['files'][number]
    const data = body.subarray(offset, offset + file.size)
    offset += file.size
    if (index % YIELD_EVERY === YIELD_EVERY - 1) await turn()
    try {
      const segments = parseRelativePath(file.path)
      const name = segments.at(-1)
      if (name === undefined) throw new FerryError('PATH_INVALID', 'the share root itself cannot be changed')
      if (ctx.maxFileBytes !== undefined && file.size > ctx.maxFileBytes) {
        throw new FerryError(
          'TOO_LARGE',
          `${file.path}: ${file.size} bytes exceeds the limit of ${ctx.maxFileBytes}`,
        )
      }
      const sha256 = createHash('sha256').update(data).digest('hex')
      if (sha256 !== file.sha256) {
        throw new FerryError(
          'CHECKSUM_MISMATCH',
          `${file.path}: SHA-256 of the received bytes does not match`,
        )
      }
      const group = await folderOf(ctx, folders, parentPath(file.path))
      if (group.error || !group.pinned) throw group.error
      const existing = await lstatOrNull(ctx.syncGate, group.pinned.at(name))
      if (existing) {
        const stats = existing.isSymbolicLink() ? await symlinkTarget(ctx, group, name, file.path) : existing
        if (stats.isDirectory()) throw new FerryError('IS_A_DIRECTORY', `${file.path}: is a folder`)
        if (req.skipIdentical && stats.isFile() && stats.size === file.size) {
          if ((await hashOf(ctx, group.pinned.at(name))) === sha256) {
            results[index] = { ok: true, path: file.path, size: file.size, sha256, existed: true }
            continue
          }
        }
        if (req.mode === 'fail') throw new FerryError('EXISTS', `${file.path}: already exists`)
      }
      const part = ctx.uploads.privateSlot().file
      staged.push({ index, wirePath: file.path, name, data, sha256, folder: group.wirePath, part })
    } catch (err: unknown) {
      results[index] = failure(err, file.path)
    }
  }
}

/** SHA-256 of a small file already in the share (at most MAX_BATCH_FILE_BYTES, so read whole). */
async function hashOf(ctx: BatchContext, file: string): Promise<string> {
  const data = await run(
    ctx.syncGate,
    () => fs.readFileSync(file),
    () => fsp.readFile(file),
  )
  return createHash('sha256').update(data).digest('hex')
}

/** A symlink at the target is judged by where it leads, and refused if that is outside (as a single PUT does). */
async function symlinkTarget(
  ctx: BatchContext,
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
  ctx: BatchContext,
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
    group.error = err instanceof FerryError ? err : fromSystemError(err, wirePath)
  }
  return group
}

/**
 * Quota and free space for the whole batch at once; when not all of it fits, files are admitted in order while
 * they do, and the rest fail with the reason (NO_SPACE, QUOTA_EXCEEDED) on their own.
 */
async function claimRoom(ctx: BatchContext, staged: Staged[], results: BatchResult[]): Promise<void> {
  const due = staged.filter((s) => results[s.index] === undefined)
  const bytes = due.reduce((sum, s) => sum + s.data.length, 0)
  try {
    await ctx.quota?.claim(bytes)
    await ctx.uploads.assertSpace(ctx.share.real, bytes)
    return
  } catch {
    // Some of it may still fit: see below, file by file.
  }
  let admitted = 0
  for (const s of due) {
    try {
      await ctx.quota?.claim(s.data.length)
      await ctx.uploads.assertSpace(ctx.share.real, admitted + s.data.length)
      admitted += s.data.length
    } catch (err: unknown) {
      results[s.index] = failure(err, s.wirePath)
    }
  }
}

async function writeParts(ctx: BatchContext, staged: Staged[], results: BatchResult[]): Promise<void> {
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
      results[s.index] = failure(err, s.wirePath)
    }
  }
}

/**
 * Moves each durable staged file into place (link when it must not replace anything, rename over otherwise)
 * and returns the folders that changed, for the second group sync.
 */
async function place(
  ctx: BatchContext,
  req: BatchRequest,
  written: Staged[],
  results: BatchResult[],
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
        req.mode === 'overwrite' ? await renameOver(ctx, pinned, s) : await linkFree(ctx, pinned, s, req.mode)
      touched.add(pinned.path)
      results[s.index] = {
        ok: true,
        path: joinRelativePath(s.folder, name),
        size: s.data.length,
        sha256: s.sha256,
      }
    } catch (err: unknown) {
      results[s.index] = failure(err, s.wirePath)
    }
  }
  return [...touched]
}

async function renameOver(ctx: BatchContext, pinned: PinnedFolder, s: Staged): Promise<string> {
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
  ctx: BatchContext,
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

/**
 * Batch bodies are held in memory until they are whole (they are small, but a server holds thousands of
 * sessions): a batch that would take the server past this many bytes at once is answered BUSY without being read.
 */
export class BatchBudget {
  private used = 0

  constructor(readonly maxBytes: number) {}

  take(bytes: number): boolean {
    if (this.used + bytes > this.maxBytes) return false
    this.used += bytes
    return true
  }

  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes)
  }
}
