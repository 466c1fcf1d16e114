// Whole-file upload: hash first (the server checks it before the file becomes visible), then the two-phase
// PUT/DATA exchange, resuming from the offset the server already holds after a dropped connection.
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import { FerryError, fromSystemError } from '../protocol/error-codes'
import { encodeHeader } from '../protocol/frame-codec'
import { ResponseSchemas, type OverwriteMode } from '../protocol/messages'
import { parseRelativePath } from '../protocol/paths'
import type { Connection } from './connection'
import type { TransferResult } from './download'
import { sha256File } from './hash-file'
import { backoff, exchange, isDropped, throwIfAborted, type Link } from './link'
import type { ProgressMeter } from './progress'

const READ_CHUNK = 1024 * 1024

export interface UploadFileOptions {
  signal?: AbortSignal
  mode?: OverwriteMode
  resume?: boolean
  retries: number
}

export interface LocalFile {
  size: number
  sha256: string
}

/** Stats and hashes a local regular file (streaming). */
export async function prepareUpload(localPath: string, signal?: AbortSignal): Promise<LocalFile> {
  let stats
  try {
    stats = await fsp.stat(localPath)
  } catch (err: unknown) {
    throw fromSystemError(err, localPath)
  }
  if (stats.isDirectory()) throw new FerryError('IS_A_DIRECTORY', `${localPath} is a folder`)
  if (!stats.isFile()) throw new FerryError('INVALID_ARGUMENT', `${localPath} is not a regular file`)
  return { size: stats.size, sha256: await sha256File(localPath, stats.size, signal) }
}

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
  const local = prepared ?? (await prepareUpload(localPath, options.signal))
  let attempt = 0
  for (;;) {
    try {
      const resume = attempt > 0 || options.resume !== false
      return await attemptUpload(link, localPath, remotePath, local, { ...options, resume }, meter, base)
    } catch (err: unknown) {
      if (isDropped(err) && attempt < options.retries && !link.closed) {
        attempt++
        await backoff(attempt, options.signal)
        continue
      }
      throw err
    }
  }
}

async function attemptUpload(
  link: Link,
  localPath: string,
  remotePath: string,
  local: LocalFile,
  options: UploadFileOptions & { resume: boolean },
  meter: ProgressMeter,
  base: number,
): Promise<TransferResult> {
  const { signal } = options
  const conn = await link.connection(signal)
  return exchange(conn, signal, async () => {
    const id = conn.newId()
    const { size, sha256 } = local
    conn.write(
      encodeHeader({
        op: 'PUT',
        id,
        path: remotePath,
        size,
        sha256,
        mode: options.mode ?? 'fail',
        resume: options.resume,
      }),
    )
    const ready = conn.parse(await conn.next(), id, ResponseSchemas.PUT_READY, false)
    if (ready.offset > size) throw conn.failWith('PROTOCOL', `PUT ready at offset ${ready.offset} of ${size}`)
    meter.total = Math.max(meter.total, base + size)
    meter.jump(base + ready.offset)
    conn.write(encodeHeader({ op: 'DATA', id, body: size - ready.offset }))
    if (size > ready.offset) await sendFile(conn, id, localPath, ready.offset, size, meter)
    const done = conn.parse(await conn.next(), id, ResponseSchemas.PUT_DONE, false)
    if (done.size !== size || done.sha256 !== sha256) {
      throw new FerryError(
        'CHECKSUM_MISMATCH',
        `${remotePath}: the server stored ${done.size} bytes, ${done.sha256}`,
      )
    }
    return { path: done.path, size, sha256 }
  })
}

/** Streams bytes [offset, size) of the file, pausing reads while the socket buffer is full. */
async function sendFile(
  conn: Connection,
  id: number,
  localPath: string,
  offset: number,
  size: number,
  meter: ProgressMeter,
): Promise<void> {
  const stream = fs.createReadStream(localPath, { start: offset, end: size - 1, highWaterMark: READ_CHUNK })
  let sent = 0
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      // A response before the body is complete is a refusal (or the connection failed): stop sending.
      if (conn.hasIncoming) break
      const flushed = conn.write(chunk)
      sent += chunk.length
      meter.advance(chunk.length)
      if (!flushed) await conn.writable()
    }
  } catch (err: unknown) {
    throw err instanceof FerryError ? err : fromSystemError(err, localPath)
  } finally {
    stream.destroy()
  }
  if (sent === size - offset) return
  if (!conn.hasIncoming) {
    throw conn.failWith('SIZE_MISMATCH', `${localPath} shrank while it was uploaded`)
  }
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
