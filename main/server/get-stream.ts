// GET: streams [offset, size) of a file with backpressure and then the SHA-256 of the whole file as read, reaching
// the file only through the share's store. The hash is the store's own when it keeps one (stat.sha256: S3 object
// metadata, LocalStore's file-hash-cache); otherwise it is computed from the bytes read, the prefix the client
// already holds included. Small files go out in one socket write (header, body and trailer in a single buffer),
// and a store that can read them synchronously (ShareStore.readSmallSync) serves them without an event-loop round
// trip, which is what keeps thousands of small GETs per second cheap.
import { createHash, type Hash } from 'node:crypto'
import { FerryError, fromSystemError } from '../protocol/error-codes'
import type { Request } from '../protocol/messages'
import type { ShareStore, StoreRead } from '../store/share-store'
import { TransferReporter, type EventSink } from './events'
import { encodeWithTrailer, okHeader, type Wire } from './wire'

/** Files up to this size are read whole into memory and sent with a single write. */
export const SMALL_FILE_BYTES = 256 * 1024

export interface GetContext {
  store: ShareStore
  events: EventSink
}

type GetRequest = Extract<Request, { op: 'GET' }>

/** An open read and what it takes to send it. */
interface Source {
  read: StoreRead
  /** The whole file's SHA-256 as the store keeps it; null when it is computed from the bytes read. */
  known: string | null
}

function offsetInvalid(req: GetRequest, offset: number, size: number): FerryError {
  return new FerryError('OFFSET_INVALID', `${req.path}: offset ${offset} is past the end (${size} bytes)`)
}

/**
 * Serves one GET. Throws a FerryError (for an error response) only before the first byte is sent; afterwards a
 * failure destroys the connection, since the client cannot tell a short body from a complete one otherwise.
 */
export async function serveGet(ctx: GetContext, wire: Wire, req: GetRequest): Promise<void> {
  const offset = req.offset ?? 0
  const small = ctx.store.readSmallSync?.(req.path) ?? null
  if (small !== null) {
    sendSmall(ctx, wire, req, small.data, small.mtimeMs, offset, small.sha256)
    return
  }
  const source = await open(ctx.store, req, offset)
  try {
    if (source.read.stat.size <= SMALL_FILE_BYTES) await sendCollected(ctx, wire, req, source, offset)
    else await sendStream(ctx, wire, req, source, offset)
  } finally {
    source.read.body.destroy()
  }
}

/**
 * Opens the read to serve: from the offset when the store keeps the whole file's hash, else from the start, since
 * the trailer covers the whole file and the bytes the client already holds must be hashed too.
 */
async function open(store: ShareStore, req: GetRequest, offset: number): Promise<Source> {
  const first = await store.read(req.path, { offset })
  const known = first.stat.sha256 ?? null
  if (known !== null || offset === 0) return { read: first, known }
  first.body.destroy()
  const whole = await store.read(req.path)
  if (offset > whole.stat.size) {
    whole.body.destroy()
    throw offsetInvalid(req, offset, whole.stat.size)
  }
  return { read: whole, known: whole.stat.sha256 ?? null }
}

/** A small file: its bytes gathered, then header, body and trailer in one write. */
async function sendCollected(
  ctx: GetContext,
  wire: Wire,
  req: GetRequest,
  source: Source,
  offset: number,
): Promise<void> {
  const { read } = source
  const content = Buffer.allocUnsafe(read.length)
  let got = 0
  try {
    for await (const chunk of read.body) {
      const bytes = chunk as Buffer
      got += bytes.copy(content, got)
      read.release?.(bytes)
    }
  } catch (err: unknown) {
    throw fromSystemError(err, req.path)
  }
  const { size, mtimeMs } = read.stat
  if (read.offset === 0) {
    // Nothing is sent yet: a file that shrank since it was opened is simply served at its new length.
    const known = got === size ? (source.known ?? undefined) : undefined
    sendSmall(ctx, wire, req, content.subarray(0, got), mtimeMs, offset, known)
    return
  }
  // Read from the offset: only with the store's own hash (see open()), which vouches only for the whole file.
  if (got !== read.length || source.known === null) {
    throw new FerryError('SIZE_MISMATCH', `${req.path} changed while it was read; try again`)
  }
  sendTail(ctx, wire, req, content, size, mtimeMs, offset, source.known)
}

/** Header, the whole file from `offset`, trailer: one write. */
function sendSmall(
  ctx: GetContext,
  wire: Wire,
  req: GetRequest,
  data: Buffer,
  mtimeMs: number,
  offset: number,
  knownSha256?: string,
): void {
  const size = data.length
  if (offset > size) throw offsetInvalid(req, offset, size)
  const sha256 = knownSha256 ?? createHash('sha256').update(data).digest('hex')
  sendTail(ctx, wire, req, data.subarray(offset), size, mtimeMs, offset, sha256)
}

/** Header, `tail` (the file from `offset` on), trailer with the whole file's hash: one write. */
function sendTail(
  ctx: GetContext,
  wire: Wire,
  req: GetRequest,
  tail: Buffer,
  size: number,
  mtimeMs: number,
  offset: number,
  sha256: string,
): void {
  const reporter = ctx.events.wantsTransfers ? reporterFor(ctx, wire, req, size) : null
  reporter?.started(offset)
  wire.write(
    encodeWithTrailer({ re: req.id, ok: true, size, offset, mtimeMs, body: size - offset }, tail, {
      re: req.id,
      ok: true,
      done: true,
      sha256,
    }),
  )
  reporter?.done(size)
}

/** Reads through the prefix the client already holds (hashing it), before anything is sent. */
async function skipPrefix(
  chunks: AsyncIterator<unknown>,
  req: GetRequest,
  source: Source,
  hash: Hash | null,
  offset: number,
): Promise<Buffer | null> {
  const { read } = source
  let position = read.offset
  while (position < offset) {
    const next = await chunks.next()
    if (next.done === true) throw offsetInvalid(req, offset, position)
    const chunk = next.value as Buffer
    const prefix = chunk.subarray(0, Math.min(chunk.length, offset - position))
    hash?.update(prefix)
    position += prefix.length
    if (prefix.length < chunk.length) return chunk.subarray(prefix.length)
    read.release?.(chunk)
  }
  return null
}

async function sendStream(
  ctx: GetContext,
  wire: Wire,
  req: GetRequest,
  source: Source,
  offset: number,
): Promise<void> {
  const { read, known } = source
  const { size, mtimeMs } = read.stat
  const hash = known === null ? createHash('sha256') : null
  const chunks = read.body[Symbol.asyncIterator]()
  let carried: Buffer | null
  try {
    carried = await skipPrefix(chunks, req, source, hash, offset)
  } catch (err: unknown) {
    throw fromSystemError(err, req.path)
  }
  wire.write(okHeader(req.id, { size, offset, mtimeMs, body: size - offset }))
  const reporter = reporterFor(ctx, wire, req, size)
  reporter.started(offset)
  let position = offset
  try {
    for (;;) {
      let chunk = carried
      carried = null
      if (chunk === null) {
        const next = await chunks.next()
        if (next.done === true) break
        chunk = next.value as Buffer
      }
      if (wire.closed) break
      position += chunk.length
      // Written before it is hashed: the client is already taking these bytes while this side hashes them. The
      // hash runs now, synchronously, so the chunk cannot be reused under it: it goes back to the store only once
      // the socket has released it.
      const held = chunk
      const flushed = wire.write(held, () => read.release?.(held))
      hash?.update(held)
      if (!flushed && !(await wire.drained())) break
      reporter.progress(position)
    }
  } catch (err: unknown) {
    // The store failed mid-read, or (LocalStore) the file changed under a remembered hash: the body sent so far
    // cannot be vouched for. The client resumes on a new connection, where the file is read afresh.
    wire.destroy(`reading ${req.path} failed`)
    reporter.failed(position, err)
    return
  }
  if (wire.closed) {
    reporter.failed(position, new FerryError('CONNECTION_CLOSED', 'the client went away'))
    return
  }
  if (position < size) {
    // The file shrank: the declared body can no longer be delivered. The client resumes on a new connection.
    wire.destroy(`${req.path} shrank during download`)
    reporter.failed(position, new FerryError('SIZE_MISMATCH', `${req.path} shrank during download`))
    return
  }
  let sha256 = known
  if (hash !== null) {
    sha256 = hash.digest('hex')
    ctx.store.rememberSha256?.(read, sha256)
  }
  wire.write(okHeader(req.id, { done: true, sha256 }))
  reporter.done(position)
}

function reporterFor(ctx: GetContext, wire: Wire, req: GetRequest, total: number): TransferReporter {
  return new TransferReporter(ctx.events, {
    clientId: wire.clientId,
    direction: 'download',
    path: req.path,
    total,
  })
}
