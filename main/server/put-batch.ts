// PUT_BATCH: many small files in one frame. The rules of a single PUT hold for each file (path checks, policy,
// quota, SHA-256 verified before anything is written, visible only once complete, never a partial), and each
// file succeeds or fails on its own. A store that can place many small files cheaply (ShareStore.putFiles: a
// folder makes them durable with two group syncs instead of an fsync per file) gets the whole batch at once;
// any other store (S3, where each commit is durable) gets a staged write per file, a few at a time. The answer
// is sent only after that: "done" means durable. Files are reached only through ctx.store.
import { createHash, randomUUID } from 'node:crypto'
import { FerryError, fromSystemError } from '../protocol/error-codes'
import type { BatchResult, Request } from '../protocol/messages'
import { parentPath, parseRelativePath } from '../protocol/paths'
import type { Reply } from './file-ops'
import { KeyedMutex } from '../fs-io/keyed-mutex'
import type { PutFileResult, PutFilesOptions, ShareStore, SmallFile } from '../store/share-store'
import type { UploadContext } from './upload'

export interface BatchContext extends UploadContext {
  /** Serializes batches per folder (see serveBatch). */
  locks: KeyedMutex
  batchBudget: BatchBudget
}

type BatchRequest = Extract<Request, { op: 'PUT_BATCH' }>

/** Files handled between two turns of the event loop, so other sessions are served during a large batch. */
const YIELD_EVERY = 32
/** Staged writes in flight at once for a store without putFiles (each is a few round trips to S3). */
const STAGED_AT_ONCE = 8

interface Due extends SmallFile {
  index: number
}

function failure(err: unknown, what: string): BatchResult {
  const error = fromSystemError(err, what)
  return { ok: false, error: { code: error.code, message: error.message.slice(0, 1024) } }
}

function toWire(result: PutFileResult, what: string): BatchResult {
  return result.ok ? result : failure(result.error, what)
}

function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
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
  const due = await check(ctx, req, body, results)
  const quota = ctx.quota
  const options: PutFilesOptions = {
    mode: req.mode,
    skipIdentical: req.skipIdentical === true,
    admit: quota ? (bytes) => quota.claim(bytes) : undefined,
  }
  const placed = ctx.store.putFiles
    ? await ctx.store.putFiles(due, options)
    : await stageEach(ctx.store, due, options)
  placed.forEach((result, i) => {
    const file = due[i] as Due
    results[file.index] = toWire(result, file.path)
  })
  ctx.events.log('info', `batch of ${req.files.length} files: ${results.filter((r) => r.ok).length} stored`)
  const out = Buffer.from(JSON.stringify(results), 'utf8')
  return { header: { count: results.length, body: out.length }, body: out }
}

/** Per file: path rules, the size limit and the SHA-256 of the bytes received; returns the files that pass. */
async function check(
  ctx: BatchContext,
  req: BatchRequest,
  body: Buffer,
  results: BatchResult[],
): Promise<Due[]> {
  const due: Due[] = []
  let offset = 0
  for (let index = 0; index < req.files.length; index++) {
    const file = req.files[index] as BatchRequest['files'][number]
    const data = body.subarray(offset, offset + file.size)
    offset += file.size
    if (index % YIELD_EVERY === YIELD_EVERY - 1) await turn()
    try {
      if (parseRelativePath(file.path).length === 0) {
        throw new FerryError('PATH_INVALID', 'the share root itself cannot be changed')
      }
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
      due.push({ index, path: file.path, data, sha256 })
    } catch (err: unknown) {
      results[index] = failure(err, file.path)
    }
  }
  return due
}

/**
 * The batch for a store without putFiles: each file on its own, STAGED_AT_ONCE at a time (files of one name one
 * after another, so numbered names come out as they would in order). Each commit is durable by itself.
 */
async function stageEach(
  store: ShareStore,
  files: Due[],
  options: PutFilesOptions,
): Promise<PutFileResult[]> {
  const results = new Array<PutFileResult>(files.length)
  const names = new KeyedMutex()
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++
      const file = files[i] as Due
      results[i] = await names.run(file.path, () =>
        stageOne(store, file, options).catch((err: unknown) => ({
          ok: false as const,
          error: fromSystemError(err, file.path),
        })),
      )
    }
  }
  await Promise.all(Array.from({ length: Math.min(STAGED_AT_ONCE, files.length) }, worker))
  return results
}

async function stageOne(store: ShareStore, file: Due, options: PutFilesOptions): Promise<PutFileResult> {
  const size = file.data.length
  if (options.skipIdentical && (await isIdentical(store, file))) {
    return { ok: true, path: file.path, size, sha256: file.sha256, existed: true }
  }
  await options.admit?.(size)
  // A key of its own: nothing to resume (the batch is sent again whole), and no other upload to meet.
  const staged = await store.stage(file.path, { size, key: `batch:${randomUUID()}` })
  try {
    await staged.write(file.data)
    const done = await staged.commit(file.sha256, options.mode)
    return { ok: true, ...done }
  } catch (err: unknown) {
    await staged.abandon({ discard: true })
    throw err
  }
}

/** True when a file with these bytes is already at the path (by the SHA-256 the store keeps, or by reading it). */
async function isIdentical(store: ShareStore, file: Due): Promise<boolean> {
  const stat = await store.stat(file.path).catch((err: unknown) => {
    if (err instanceof FerryError && err.code === 'NOT_FOUND') return null
    throw err
  })
  if (stat?.type !== 'file' || stat.size !== file.data.length) return false
  if (stat.sha256 !== undefined) return stat.sha256 === file.sha256
  const read = await store.read(file.path)
  const hash = createHash('sha256')
  for await (const chunk of read.body) hash.update(chunk as Buffer)
  return hash.digest('hex') === file.sha256
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
