// GET: streams [offset, size) of a file with backpressure and then the SHA-256 of the whole file as read.
// Small files take one read and one socket write (header, body and trailer in a single buffer), which is what
// keeps thousands of small GETs per second cheap.
import { createHash } from 'node:crypto'
import fs, { type Stats } from 'node:fs'
import { FerryError, fromSystemError } from '../protocol/error-codes'
import type { Request } from '../protocol/messages'
import { TransferReporter, type EventSink } from './events'
import { ChunkPool } from '../fs-io/chunk-pool'
import { closeFdQuietly, fstatFd, openFd, readFully } from '../store/local/fd-io'
import type { FileHashCache } from '../store/local/file-hash-cache'
import { sameIdentity } from '../store/local/file-identity'
import { READ_FLAGS, type PlainProbe, type ShareRoot } from '../store/local/share-root'
import type { SmallFileCache } from '../store/local/small-file-cache'
import type { SyncGate } from '../store/local/sync-gate'
import { encodeWithTrailer, okHeader, type Wire } from './wire'

/** Files up to this size are read whole into memory and sent with a single write. */
export const SMALL_FILE_BYTES = 256 * 1024
/** Files up to this size are read with synchronous calls while the SyncGate is open. */
export const SYNC_READ_BYTES = 64 * 1024
/** Read size for streaming larger files; one chunk is read ahead while the previous one drains. */
export const STREAM_CHUNK_BYTES = 1024 * 1024

export interface GetContext {
  share: ShareRoot
  events: EventSink
  syncGate: SyncGate
  /** Content and hash of small files, checked against the file's identity on every use. */
  smallFiles?: SmallFileCache
  /** Whole-file SHA-256 of large files, checked against the open file's identity on every use. */
  fileHashes?: FileHashCache
}

type GetRequest = Extract<Request, { op: 'GET' }>

/** Bytes read from the file (`data`), a view of the pool buffer they were read into. */
interface Chunk {
  data: Buffer
  buffer: Buffer
}

interface Opened {
  fd: number
  stats: Stats
}

function openSync(share: ShareRoot, wirePath: string, probe?: PlainProbe | null): Opened {
  const fd = share.openReadSync(wirePath, probe)
  try {
    return { fd, stats: fs.fstatSync(fd) }
  } catch (err: unknown) {
    fs.closeSync(fd)
    throw err
  }
}

/**
 * The synchronous small-file path with the cache: one lstat per folder level and of the file itself; on a hit
 * nothing else touches the disk. A miss reads the file (opened without following a symlink) and offers it to the
 * cache with the fstat taken before and after the read.
 */
function serveCached(ctx: GetContext, cache: SmallFileCache, wire: Wire, req: GetRequest): boolean {
  const gate = ctx.syncGate
  const probe = gate.time(() => ctx.share.probePlainSync(req.path, true))
  const stats = probe?.stats
  if (probe === null || stats === undefined || !stats.isFile() || stats.size > SYNC_READ_BYTES) return false
  const hit = cache.get(req.path, stats)
  if (hit !== null) {
    sendSmall(ctx, wire, req, hit.data, hit.mtimeMs, req.offset ?? 0, hit.sha256)
    return true
  }
  const startedAt = Date.now()
  const { fd, stats: before } = gate.time(() => openSync(ctx.share, req.path, probe))
  try {
    if (!before.isFile() || before.size > SYNC_READ_BYTES) return false
    const content = Buffer.allocUnsafe(before.size)
    const { size, after } = gate.time(() => {
      const n = before.size === 0 ? 0 : readFullySync(fd, content, before.size)
      return { size: n, after: fs.fstatSync(fd) }
    })
    const data = content.subarray(0, size)
    const sha256 = createHash('sha256').update(data).digest('hex')
    cache.offer(req.path, data, sha256, before, after, startedAt)
    sendSmall(ctx, wire, req, data, before.mtimeMs, req.offset ?? 0, sha256)
    return true
  } finally {
    closeQuietlySync(fd)
  }
}

async function openAsync(share: ShareRoot, wirePath: string): Promise<Opened> {
  const { real } = await share.resolveExisting(wirePath)
  const fd = await openFd(real, READ_FLAGS)
  try {
    share.assertOpenedInside(fd, wirePath)
    return { fd, stats: await fstatFd(fd) }
  } catch (err: unknown) {
    closeFdQuietly(fd)
    throw err
  }
}

function readFullySync(fd: number, buffer: Buffer, length: number): number {
  let done = 0
  while (done < length) {
    const n = fs.readSync(fd, buffer, done, length - done, done)
    if (n === 0) break
    done += n
  }
  return done
}

/**
 * Serves one GET. Throws a FerryError (for an error response) only before the first byte is sent; afterwards a
 * failure destroys the connection, since the client cannot tell a short body from a complete one otherwise.
 */
export async function serveGet(ctx: GetContext, wire: Wire, req: GetRequest): Promise<void> {
  const gate = ctx.syncGate
  const sync = gate.open
  if (sync && ctx.smallFiles) {
    try {
      if (serveCached(ctx, ctx.smallFiles, wire, req)) return
    } catch (err: unknown) {
      throw fromSystemError(err, req.path)
    }
  }
  let opened: Opened
  try {
    opened = sync ? gate.time(() => openSync(ctx.share, req.path)) : await openAsync(ctx.share, req.path)
  } catch (err: unknown) {
    throw fromSystemError(err, req.path)
  }
  const { fd, stats } = opened
  try {
    if (stats.isDirectory()) throw new FerryError('IS_A_DIRECTORY', `${req.path}: is a folder`)
    if (!stats.isFile()) throw new FerryError('UNSUPPORTED', `${req.path}: is not a regular file`)
    const offset = req.offset ?? 0
    if (stats.size > SMALL_FILE_BYTES) {
      await sendStream(ctx, wire, req, fd, stats, offset)
      return
    }
    const content = Buffer.allocUnsafe(stats.size)
    // Nothing is sent yet, so a file that shrank since fstat is simply served at its new length.
    const size =
      stats.size === 0
        ? 0
        : sync && stats.size <= SYNC_READ_BYTES
          ? gate.time(() => readFullySync(fd, content, stats.size))
          : await readFully(fd, content, stats.size, 0)
    sendSmall(ctx, wire, req, content.subarray(0, size), stats.mtimeMs, offset)
  } catch (err: unknown) {
    throw fromSystemError(err, req.path)
  } finally {
    if (sync) closeQuietlySync(fd)
    else closeFdQuietly(fd)
  }
}

function closeQuietlySync(fd: number): void {
  try {
    fs.closeSync(fd)
  } catch {
    // Closing a read-only fd cannot lose data.
  }
}

function offsetInvalid(req: GetRequest, offset: number, size: number): FerryError {
  return new FerryError('OFFSET_INVALID', `${req.path}: offset ${offset} is past the end (${size} bytes)`)
}

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
  const reporter = ctx.events.wantsTransfers ? reporterFor(ctx, wire, req, size) : null
  reporter?.started(offset)
  wire.write(
    encodeWithTrailer(
      { re: req.id, ok: true, size, offset, mtimeMs, body: size - offset },
      data.subarray(offset),
      { re: req.id, ok: true, done: true, sha256 },
    ),
  )
  reporter?.done(size)
}

async function sendStream(
  ctx: GetContext,
  wire: Wire,
  req: GetRequest,
  fd: number,
  stats: Stats,
  offset: number,
): Promise<void> {
  const { size, mtimeMs } = stats
  if (offset > size) throw offsetInvalid(req, offset, size)
  const startedAt = Date.now()
  const known = ctx.fileHashes?.get(stats) ?? null
  const hash = known === null ? createHash('sha256') : null
  // The read ahead, the chunk in the socket and one spare: the socket hands each back when it is done with it.
  const pool = new ChunkPool(STREAM_CHUNK_BYTES, 3)
  const readChunk = async (position: number): Promise<Chunk> => {
    const buffer = pool.take()
    try {
      const n = await readFully(fd, buffer, Math.min(buffer.length, size - position), position)
      return { data: buffer.subarray(0, n), buffer }
    } catch (err: unknown) {
      pool.give(buffer)
      throw err
    }
  }
  // The trailer covers the whole file, so the bytes the client already holds are hashed too (unless known).
  let position = hash === null ? offset : 0
  while (hash !== null && position < offset) {
    const { data, buffer } = await readChunk(position)
    const prefix = data.subarray(0, Math.min(data.length, offset - position))
    if (prefix.length === 0) throw offsetInvalid(req, offset, position)
    hash.update(prefix)
    position += prefix.length
    pool.give(buffer)
  }
  wire.write(okHeader(req.id, { size, offset, mtimeMs, body: size - offset }))
  const reporter = reporterFor(ctx, wire, req, size)
  reporter.started(offset)
  let pending: Promise<Chunk> | null = position < size ? readChunk(position) : null
  try {
    while (pending) {
      const { data: chunk, buffer } = await pending
      if (chunk.length === 0) {
        // The file shrank: the declared body can no longer be delivered. The client resumes on a new connection.
        wire.destroy(`${req.path} shrank during download`)
        reporter.failed(position, new FerryError('SIZE_MISMATCH', `${req.path} shrank during download`))
        return
      }
      position += chunk.length
      pending = position < size ? readChunk(position) : null
      if (wire.closed) break
      // Written before it is hashed: the client is already taking these bytes while this side hashes them. The
      // hash runs now, synchronously, so the buffer cannot be reused under it: it returns to the pool only once
      // the socket has released it.
      const flushed = wire.write(chunk, () => pool.give(buffer))
      hash?.update(chunk)
      if (!flushed && !(await wire.drained())) break
      reporter.progress(position)
    }
  } catch (err: unknown) {
    wire.destroy(`reading ${req.path} failed`)
    reporter.failed(position, err)
    return
  } finally {
    // Never let the fd close under an outstanding read.
    await pending?.catch(() => undefined)
  }
  if (wire.closed) {
    reporter.failed(position, new FerryError('CONNECTION_CLOSED', 'the client went away'))
    return
  }
  const after = ctx.fileHashes ? await fstatFd(fd).catch(() => null) : null
  if (hash === null) {
    // The recorded hash is only the hash of what was sent if the file held still while it was read. If it did
    // not, the body is of unknown content: drop the connection instead of vouching for it; the client resumes on
    // a new connection, where the file is hashed afresh.
    if (after === null || !sameIdentity(stats, after)) {
      wire.destroy(`${req.path} changed during download`)
      reporter.failed(position, new FerryError('SIZE_MISMATCH', `${req.path} changed during download`))
      return
    }
    wire.write(okHeader(req.id, { done: true, sha256: known }))
    reporter.done(position)
    return
  }
  const sha256 = hash.digest('hex')
  if (after !== null) ctx.fileHashes?.offer(sha256, stats, after, startedAt)
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
