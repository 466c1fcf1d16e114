// LIST, STAT, MKDIR, DELETE and RENAME. Each takes a validated request and returns the success reply (or throws
// a FerryError the session turns into an error response). Files are reached only through the share's store
// (ShareStore), which validates paths and keeps them inside the share.
import { FerryError } from '../protocol/error-codes'
import { MAX_LISTING_BYTES } from '../protocol/limits'
import type { Entry, Request } from '../protocol/messages'
import type { ShareStore } from '../store/share-store'

export interface OpsContext {
  store: ShareStore
  readOnly: boolean
}

export interface Reply {
  header: Record<string, unknown>
  body?: Buffer
}

type Req<Op extends Request['op']> = Extract<Request, { op: Op }>

function assertWritable(ctx: OpsContext): void {
  if (ctx.readOnly) throw new FerryError('READ_ONLY', 'the share is read-only')
}

/** The root is the share itself: no request may change it (the same answer whatever the store). */
function assertNotRoot(wirePath: string): void {
  if (wirePath === '') throw new FerryError('PATH_INVALID', 'the share root itself cannot be changed')
}

export async function list(ctx: OpsContext, req: Req<'LIST'>): Promise<Reply> {
  const entries: Entry[] = (await ctx.store.list(req.path)).map(({ name, type, size, mtimeMs }) => ({
    name,
    type,
    size,
    mtimeMs,
  }))
  const body = Buffer.from(JSON.stringify(entries), 'utf8')
  if (body.length > MAX_LISTING_BYTES) throw new FerryError('TOO_LARGE', 'folder listing is too large')
  return { header: { count: entries.length, body: body.length }, body }
}

export async function stat(ctx: OpsContext, req: Req<'STAT'>): Promise<Reply> {
  const { path, name, type, size, mtimeMs } = await ctx.store.stat(req.path)
  return { header: { entry: { path, name, type, size, mtimeMs } } }
}

export async function mkdir(ctx: OpsContext, req: Req<'MKDIR'>): Promise<Reply> {
  assertWritable(ctx)
  await ctx.store.mkdir(req.path, { parents: req.parents === true })
  return { header: { path: req.path } }
}

export async function remove(ctx: OpsContext, req: Req<'DELETE'>): Promise<Reply> {
  assertWritable(ctx)
  assertNotRoot(req.path)
  await ctx.store.delete(req.path, { recursive: req.recursive === true })
  return { header: {} }
}

export async function rename(ctx: OpsContext, req: Req<'RENAME'>): Promise<Reply> {
  assertWritable(ctx)
  assertNotRoot(req.from)
  assertNotRoot(req.to)
  await ctx.store.rename(req.from, req.to, { mode: req.mode ?? 'fail' })
  return { header: { path: req.to } }
}
