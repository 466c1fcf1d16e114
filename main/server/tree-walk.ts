// TREE: every entry below a folder, depth first in name order (a folder before its contents), a page at a time.
// Pages are stateless: the client passes the last path it got, and the walk skips by name to just after it, so a
// page costs one readdir per folder on the way down plus a stat per entry it returns, never a stat per entry it
// skips, and any connection (or server over the same share) can serve the next page.
import { promises as fsp, type Dirent, type Stats } from 'node:fs'
import path from 'node:path'
import { FerryError, fromSystemError } from '../protocol/error-codes'
import { TREE_PAGE_BYTES, TREE_PAGE_ENTRIES } from '../protocol/limits'
import type { Request, TreeEntry } from '../protocol/messages'
import { joinRelativePath, nameProblem, parseRelativePath } from '../protocol/paths'
import type { OpsContext, Reply } from './file-ops'

type TreeRequest = Extract<Request, { op: 'TREE' }>

interface Page {
  entries: TreeEntry[]
  bytes: number
  full: boolean
  readonly maxEntries: number
  readonly maxBytes: number
}

/** Name order as LIST sorts (UTF-16 code units), so a client sees one order everywhere. */
function byName(a: Dirent, b: Dirent): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}

export async function tree(
  ctx: OpsContext,
  req: TreeRequest,
  limits: { maxEntries?: number; maxBytes?: number } = {},
): Promise<Reply> {
  const rootSegments = parseRelativePath(req.path)
  let after: string[] | null = null
  if (req.after !== undefined) {
    const afterSegments = parseRelativePath(req.after)
    const inside =
      afterSegments.length > rootSegments.length && rootSegments.every((s, i) => afterSegments[i] === s)
    if (!inside)
      throw new FerryError('INVALID_ARGUMENT', `${req.after} is not below ${req.path || 'the root'}`)
    after = afterSegments.slice(rootSegments.length)
  }
  const { real } = await ctx.share.resolveExisting(req.path)
  const top = await fsp.stat(real).catch((err: unknown) => {
    throw fromSystemError(err, req.path)
  })
  if (!top.isDirectory()) throw new FerryError('NOT_A_DIRECTORY', `${req.path}: not a folder`)
  const page: Page = {
    entries: [],
    bytes: 2,
    full: false,
    maxEntries: limits.maxEntries ?? TREE_PAGE_ENTRIES,
    maxBytes: limits.maxBytes ?? TREE_PAGE_BYTES,
  }
  await walk(ctx, req.path, after, page)
  const body = Buffer.from(JSON.stringify(page.entries), 'utf8')
  const last = page.entries.at(-1)
  const header: Record<string, unknown> = { count: page.entries.length, body: body.length }
  if (page.full && last) header['next'] = last.path
  return { header, body }
}

/** How many entries of a folder are stat'ed at once: enough to keep the thread pool busy, not to flood it. */
const STAT_BATCH = 64

/**
 * Emits the entries of `wireDir` (recursively) after `after` (path segments relative to wireDir; null: from the
 * start) until the page is full.
 */
async function walk(ctx: OpsContext, wireDir: string, after: string[] | null, page: Page): Promise<void> {
  const folder = await readFolder(ctx, wireDir)
  if (folder === null) return
  let dirents = folder.dirents
  if (after !== null && after.length > 0) {
    const skipTo = after[0] as string
    dirents = dirents.filter((d) => d.name >= skipTo)
    const first = dirents[0]
    if (first?.name === skipTo) {
      dirents = dirents.slice(1)
      // That entry was on an earlier page; only what is below it (a folder's contents) may still be due.
      const wirePath = joinRelativePath(wireDir, skipTo)
      if (addressable(wirePath)) {
        if (after.length > 1) await walk(ctx, wirePath, after.slice(1), page)
        else if ((await statInside(ctx, folder.real, first))?.isDirectory())
          await walk(ctx, wirePath, null, page)
      }
    }
  }
  for (let i = 0; i < dirents.length && !page.full; i += STAT_BATCH) {
    const chunk = dirents.slice(i, i + STAT_BATCH)
    const stats = await Promise.all(chunk.map((d) => statInside(ctx, folder.real, d)))
    for (let k = 0; k < chunk.length; k++) {
      if (page.full) return
      const wirePath = joinRelativePath(wireDir, (chunk[k] as Dirent).name)
      // Too deep or too long to address: left out (this also ends a walk through a symlink loop).
      const entry = addressable(wirePath) ? describe(stats[k] ?? null, wirePath) : null
      if (!entry) continue
      const size = Buffer.byteLength(JSON.stringify(entry)) + 1
      if (page.entries.length >= page.maxEntries || page.bytes + size > page.maxBytes) {
        page.full = true
        return
      }
      page.entries.push(entry)
      page.bytes += size
      if (entry.type === 'dir') await walk(ctx, wirePath, null, page)
    }
  }
}

function addressable(wirePath: string): boolean {
  try {
    parseRelativePath(wirePath)
    return true
  } catch {
    return false
  }
}

/** The folder's entries in name order, read through the folder held open after its checks; null if it went away. */
async function readFolder(
  ctx: OpsContext,
  wireDir: string,
): Promise<{ real: string; dirents: Dirent[] } | null> {
  let real: string
  try {
    real = (await ctx.share.resolveExisting(wireDir)).real
  } catch (err: unknown) {
    // A folder deleted (or swapped for something outside the share) during the walk is simply not there.
    if (err instanceof FerryError && (err.code === 'NOT_FOUND' || err.code === 'PATH_INVALID')) return null
    throw err
  }
  const folder = await ctx.share.pinFolder(real, wireDir)
  try {
    const dirents = await fsp.readdir(folder.path, { withFileTypes: true })
    return { real, dirents: dirents.filter((d) => nameProblem(d.name) === null).sort(byName) }
  } catch (err: unknown) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return null
    throw fromSystemError(err, wireDir || 'share root')
  } finally {
    await folder.close()
  }
}

/** Stats an entry, following a symlink only when it stays inside the share (as LIST does). */
async function statInside(ctx: OpsContext, dirReal: string, dirent: Dirent): Promise<Stats | null> {
  if (!dirent.isFile() && !dirent.isDirectory() && !dirent.isSymbolicLink()) return null
  try {
    const full = path.join(dirReal, dirent.name)
    if (!dirent.isSymbolicLink()) return await fsp.lstat(full)
    const real = await fsp.realpath(full)
    return ctx.share.contains(real) ? await fsp.stat(real) : null
  } catch {
    // Vanished or unreadable between readdir and stat: not worth failing the whole walk.
    return null
  }
}

function describe(stats: Stats | null, wirePath: string): TreeEntry | null {
  if (stats?.isFile()) return { path: wirePath, type: 'file', size: stats.size, mtimeMs: stats.mtimeMs }
  if (stats?.isDirectory()) return { path: wirePath, type: 'dir', size: 0, mtimeMs: stats.mtimeMs }
  return null
}
