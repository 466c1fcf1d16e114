// TREE: every entry below a folder, depth first in name order (a folder before its contents), a page at a time,
// built from the store's folder listings (ShareStore.list), so it works the same over any store.
// Pages are stateless: the client passes the last path it got, and the walk skips by name to just after it, so a
// page costs one listing per folder on the way down plus the folders it returns, and any connection (or server
// over the same share) can serve the next page.
import { FerryError } from '../protocol/error-codes'
import { TREE_PAGE_BYTES, TREE_PAGE_ENTRIES } from '../protocol/limits'
import type { Request, TreeEntry } from '../protocol/messages'
import { isValidRelativePath, joinRelativePath, parseRelativePath } from '../protocol/paths'
import type { StoreEntry } from '../store/share-store'
import type { OpsContext, Reply } from './file-ops'

type TreeRequest = Extract<Request, { op: 'TREE' }>

interface Page {
  entries: TreeEntry[]
  bytes: number
  full: boolean
  readonly maxEntries: number
  readonly maxBytes: number
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
  // The top folder's listing answers NOT_FOUND and NOT_A_DIRECTORY for the whole request.
  const top = await ctx.store.list(req.path)
  const page: Page = {
    entries: [],
    bytes: 2,
    full: false,
    maxEntries: limits.maxEntries ?? TREE_PAGE_ENTRIES,
    maxBytes: limits.maxBytes ?? TREE_PAGE_BYTES,
  }
  await walk(ctx, req.path, top, after, page)
  const body = Buffer.from(JSON.stringify(page.entries), 'utf8')
  const last = page.entries.at(-1)
  const header: Record<string, unknown> = { count: page.entries.length, body: body.length }
  if (page.full && last) header['next'] = last.path
  return { header, body }
}

/**
 * Emits the entries of `wireDir` (listed as `entries`, recursively) after `after` (path segments relative to
 * wireDir; null: from the start) until the page is full.
 */
async function walk(
  ctx: OpsContext,
  wireDir: string,
  entries: StoreEntry[],
  after: string[] | null,
  page: Page,
): Promise<void> {
  let due = entries
  if (after !== null && after.length > 0) {
    const skipTo = after[0] as string
    due = due.filter((e) => e.name >= skipTo)
    const first = due[0]
    if (first?.name === skipTo) {
      due = due.slice(1)
      // That entry was on an earlier page; only what is below it (a folder's contents) may still be due.
      const wirePath = joinRelativePath(wireDir, skipTo)
      if (first.type === 'dir' && isValidRelativePath(wirePath)) {
        await walkBelow(ctx, wirePath, after.length > 1 ? after.slice(1) : null, page)
      }
    }
  }
  for (const entry of due) {
    if (page.full) return
    const wirePath = joinRelativePath(wireDir, entry.name)
    // Too deep or too long to address: left out (this also ends a walk through a symlink loop).
    if (!isValidRelativePath(wirePath)) continue
    const item: TreeEntry = { path: wirePath, type: entry.type, size: entry.size, mtimeMs: entry.mtimeMs }
    const size = Buffer.byteLength(JSON.stringify(item)) + 1
    if (page.entries.length >= page.maxEntries || page.bytes + size > page.maxBytes) {
      page.full = true
      return
    }
    page.entries.push(item)
    page.bytes += size
    if (entry.type === 'dir') await walkBelow(ctx, wirePath, null, page)
  }
}

/** Lists a folder met during the walk and walks it; one deleted (or swapped away) meanwhile is simply not there. */
async function walkBelow(
  ctx: OpsContext,
  wireDir: string,
  after: string[] | null,
  page: Page,
): Promise<void> {
  let entries: StoreEntry[]
  try {
    entries = await ctx.store.list(wireDir)
  } catch (err: unknown) {
    const gone = ['NOT_FOUND', 'NOT_A_DIRECTORY', 'PATH_INVALID']
    if (err instanceof FerryError && gone.includes(err.code)) return
    throw err
  }
  await walk(ctx, wireDir, entries, after, page)
}
