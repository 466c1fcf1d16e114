// Whole-file upload, streamed: the PUT names the file by its upload key (see upload-source.ts) instead of its hash,
// the first byte goes out at once, each chunk is hashed as it is read for sending (one read of the file), and the
// whole file's SHA-256 follows the body in DATA_END; the server checks it before the file becomes visible. After
// a dropped connection the server continues from its partial, whose prefix hash it reports: the client resumes on
// top of it only if that matches its own bytes, else it discards the partial and starts from 0.
import { ChunkPool } from '../fs-io/chunk-pool'
import { FerryError } from '../protocol/error-codes'
import { encodeHeader } from '../protocol/frame-codec'
import { ResponseSchemas, type OverwriteMode } from '../protocol/messages'
import { parseRelativePath } from '../protocol/paths'
import type { Connection } from './connection'
import type { TransferResult } from './download'
import { backoff, exchange, isDropped, throwIfAborted, type Link } from './link'
import type { ProgressMeter } from './progress'
import { UploadHasher } from './upload-hasher'
import { describeLocalFile, LocalSource, type LocalFile } from './upload-source'

export type { LocalFile } from './upload-source'

const READ_CHUNK = 1024 * 1024
/**
 * Most local bytes hashed while the server holds a ready PUT: more could outlast its idle timeout, so a larger
 * prefix is hashed with no request open and the PUT asked again.
 */
const INLINE_PREFIX_BYTES = 64 * 1024 * 1024
/** After this many hash-then-ask rounds (the partial keeps growing: another uploader), hash inline regardless. */
const MAX_PREFIX_ROUNDS = 3

export interface UploadFileOptions {
  signal?: AbortSignal
  mode?: OverwriteMode
  resume?: boolean
  retries: number
}

/** Stats a local regular file and derives its upload key. Reads none of its bytes: hashing happens while sending. */
export async function prepareUpload(localPath: string, signal?: AbortSignal): Promise<LocalFile> {
  throwIfAborted(signal)
  return describeLocalFile(localPath)
}

/** How one attempt ended, when it did not throw. */
type Outcome =
  | { kind: 'done'; result: TransferResult }
  /** The server holds more than is cheap to hash while it waits: hash up to `offset`, then ask again. */
  | { kind: 'hash-prefix'; offset: number }
  /** The server's partial is not a prefix of this file (it was edited): it was discarded, start from 0. */
  | { kind: 'restart' }

export async function uploadFile(
  link: Link,
  localPath: string,
  remotePath: string,
  options: UploadFileOptions,
  meter: ProgressMeter,
  base = 0,
  prepared?: LocalFile,
): Promise<TransferResult> {
  if (parseRelativePath(remotePath).length === 0) {
    throw new FerryError('PATH_INVALID', 'cannot upload onto the share root: name the remote file')
  }
  throwIfAborted(options.signal)
  const source = await LocalSource.open(
    localPath,
    prepared ?? (await prepareUpload(localPath, options.signal)),
  )
  try {
    const hasher = new UploadHasher(source.fd, localPath)
    let resume = options.resume !== false
    let attempt = 0
    let prefixRounds = 0
    for (;;) {
      const inlineLimit = prefixRounds < MAX_PREFIX_ROUNDS ? INLINE_PREFIX_BYTES : Infinity
      let outcome: Outcome
      try {
        outcome = await attemptUpload(link, source, hasher, remotePath, { ...options, resume }, meter, {
          base,
          inlineLimit,
        })
      } catch (err: unknown) {
        if (isDropped(err) && attempt < options.retries && !link.closed) {
          attempt++
          resume = true
          await backoff(attempt, options.signal)
          continue
        }
        throw err
      }
      if (outcome.kind === 'done') return outcome.result
      if (outcome.kind === 'restart') {
        resume = false
        continue
      }
      prefixRounds++
      await hasher.moveTo(outcome.offset, options.signal)
      await source.assertUnchanged()
    }
  } finally {
    await source.close()
  }
}

async function attemptUpload(
  link: Link,
  source: LocalSource,
  hasher: UploadHasher,
  remotePath: string,
  options: UploadFileOptions & { resume: boolean },
  meter: ProgressMeter,
  where: { base: number; inlineLimit: number },
): Promise<Outcome> {
  const { signal } = options
  const { size, uploadKey } = source.file
  const conn = await link.connection(signal)
  return exchange(conn, signal, async () => {
    const id = conn.newId()
    const mode = options.mode ?? 'fail'
    conn.write(
      encodeHeader({ op: 'PUT', id, path: remotePath, size, uploadKey, mode, resume: options.resume }),
    )
    const ready = conn.parse(await conn.next(), id, ResponseSchemas.PUT_READY, false)
    const offset = ready.offset
    if (offset > size || (!options.resume && offset !== 0)) {
      throw conn.failWith('PROTOCOL', `PUT ready at offset ${offset} of ${size} (resume: ${options.resume})`)
    }
    if (offset > 0) {
      if (ready.prefixSha256 === undefined) {
        throw conn.failWith('PROTOCOL', `PUT resumed at offset ${offset} without the prefix's SHA-256`)
      }
      if (hasher.costTo(offset) > where.inlineLimit) {
        await cancel(conn, false)
        return { kind: 'hash-prefix', offset }
      }
      await hasher.moveTo(offset, signal)
      if (hasher.hex() !== ready.prefixSha256) {
        await cancel(conn, true)
        return { kind: 'restart' }
      }
    } else {
      await hasher.moveTo(0)
    }
    meter.total = Math.max(meter.total, where.base + size)
    meter.jump(where.base + offset)
    conn.write(encodeHeader({ op: 'DATA', id, body: size - offset }))
    if (size > offset) await sendBody(conn, id, source, hasher, offset, meter)
    // A file written to while it was read gives a torn mix whose hash would match what was sent: refuse it.
    try {
      await source.assertUnchanged()
    } catch (err: unknown) {
      await cancel(conn, true)
      throw err
    }
    const sha256 = hasher.hex()
    conn.write(encodeHeader({ op: 'DATA_END', id, sha256 }))
    const done = conn.parse(await conn.next(), id, ResponseSchemas.PUT_DONE, false)
    if (done.size !== size || done.sha256 !== sha256) {
      throw new FerryError(
        'CHECKSUM_MISMATCH',
        `${remotePath}: the server stored ${done.size} bytes, ${done.sha256}`,
      )
    }
    return { kind: 'done', result: { path: done.path, size, sha256 } }
  })
}

/** Abandons the pending PUT; `discard` also drops the server's partial (it holds bytes this file no longer has). */
async function cancel(conn: Connection, discard: boolean): Promise<void> {
  const id = conn.newId()
  conn.write(encodeHeader({ op: 'CANCEL', id, ...(discard ? { discard: true } : {}) }))
  conn.parse(await conn.next(), id, ResponseSchemas.CANCEL, false)
}

/** Bytes read from the file (`data`), a view of the pool buffer they were read into. */
interface Chunk {
  data: Buffer
  buffer: Buffer
}

/**
 * Sends bytes [offset, size) of the file, hashing each chunk as it goes out. The next chunk is read while the
 * current one is hashed and written; the socket's backpressure paces the reads.
 */
async function sendBody(
  conn: Connection,
  id: number,
  source: LocalSource,
  hasher: UploadHasher,
  offset: number,
  meter: ProgressMeter,
): Promise<void> {
  const size = source.file.size
  // The read ahead, the chunk in the socket and a spare; each returns once the socket has released it.
  const pool = new ChunkPool(READ_CHUNK, 3)
  const readAt = async (position: number): Promise<Chunk> => {
    const buffer = pool.take()
    return { data: await source.read(position, Math.min(READ_CHUNK, size - position), buffer), buffer }
  }
  let position = offset
  let next: Promise<Chunk> | null = readAt(position)
  try {
    while (next) {
      const { data: chunk, buffer }: Chunk = await next
      next = position + chunk.length < size ? readAt(position + chunk.length) : null
      // A response before the body is complete is a refusal (or the connection failed): stop sending.
      if (conn.hasIncoming) break
      // Hashed before the write, synchronously: the buffer is reused only after the socket released it.
      hasher.update(chunk)
      const flushed = conn.write(chunk, () => pool.give(buffer))
      position += chunk.length
      meter.advance(chunk.length)
      if (!flushed) await conn.writable()
    }
  } finally {
    // A read started ahead and then not needed must not surface as an unhandled rejection.
    void next?.catch(() => undefined)
  }
  if (position === size) return
  // The body frame is incomplete, so whatever the server said, this connection cannot carry another request.
  const event = await conn.next()
  try {
    conn.parse(event, id, ResponseSchemas.PUT_DONE, false)
  } catch (err: unknown) {
    const reason = err instanceof FerryError ? err : new FerryError('PROTOCOL', String(err))
    conn.destroy(reason)
    throw reason
  }
  throw conn.failWith('PROTOCOL', 'server finished an upload before receiving it')
}
