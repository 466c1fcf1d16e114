// Whole-file download with resume and end-to-end SHA-256. Bytes land in `<localPath>.ferry-part`; the file
// appears under its real name only after the server's hash matched the local prefix plus the new bytes.
import { createHash } from 'node:crypto'
import { close as closeFd, fsync, open as openFd } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import { FerryError, fromSystemError } from '../protocol/error-codes'
import { encodeHeader } from '../protocol/frame-codec'
import { ResponseSchemas } from '../protocol/messages'
import { parseRelativePath } from '../protocol/paths'
import { FileSink, SyncSlots } from '../fs-io/file-sink'
import { hashFileRange } from '../fs-io/hash-range'
import { backoff, exchange, isDropped, throwIfAborted, type Link } from './link'
import type { ProgressMeter } from './progress'

export const PART_SUFFIX = '.ferry-part'
/**
 * Bytes queued towards the .ferry-part file before the download stops taking socket data, and the mark at which
 * it takes data again while the file side keeps writing from the rest (see FileSink); batches are smaller than
 * the gap, so the thread writing the file is never left without work while the socket refills the queue.
 */
const WRITE_HIGH_WATER = 8 * 1024 * 1024
const WRITE_LOW_WATER = 4 * 1024 * 1024
const WRITE_BATCH = 2 * 1024 * 1024
/**
 * The part is fdatasync'ed in the background every SYNC_EVERY bytes, so the final fsync (which still decides
 * success) finds little left to write: measured here, it went from about 300 ms to 5-16 ms per GiB. At most one
 * such sync runs at a time across all downloads in this process (see SyncSlots).
 */
const SYNC_EVERY = 32 * 1024 * 1024
const BACKGROUND_SYNCS = new SyncSlots(1)

export interface DownloadFileOptions {
  signal?: AbortSignal
  resume?: boolean
  overwrite?: boolean
  retries: number
  /** Size the caller was told (LIST): a different size at GET time is SIZE_MISMATCH, before anything is written. */
  expectedSize?: number
}

export interface TransferResult {
  path: string
  size: number
  sha256: string
}

interface Received {
  size: number
  sha256: string
  expected: string
  mtimeMs: number
}

/** Downloads one file. `base` is where this file starts in the meter (trees share one meter). */
export async function downloadFile(
  link: Link,
  remotePath: string,
  localPath: string,
  options: DownloadFileOptions,
  meter: ProgressMeter,
  base = 0,
): Promise<TransferResult> {
  parseRelativePath(remotePath)
  const { signal } = options
  throwIfAborted(signal)
  await checkTarget(localPath, options.overwrite === true)
  const part = localPath + PART_SUFFIX
  if (options.resume === false) await removePart(part)
  let attempt = 0
  let restarted = false
  for (;;) {
    let received: Received
    try {
      received = await attemptDownload(link, remotePath, part, options, meter, base)
    } catch (err: unknown) {
      if (isDropped(err) && attempt < options.retries && !link.closed) {
        attempt++
        await backoff(attempt, signal)
        continue
      }
      // The partial file no longer fits the remote one (it shrank): start over once.
      if (err instanceof FerryError && err.code === 'OFFSET_INVALID' && !restarted) {
        restarted = true
        await removePart(part)
        continue
      }
      throw err
    }
    if (received.sha256 !== received.expected) {
      await removePart(part)
      throw new FerryError(
        'CHECKSUM_MISMATCH',
        `${remotePath}: SHA-256 of the received file does not match the server's (${received.expected})`,
      )
    }
    await finishFile(part, localPath, options.overwrite === true, received.mtimeMs)
    return { path: localPath, size: received.size, sha256: received.sha256 }
  }
}

async function attemptDownload(
  link: Link,
  remotePath: string,
  part: string,
  options: DownloadFileOptions,
  meter: ProgressMeter,
  base: number,
): Promise<Received> {
  const { signal } = options
  const offset = await fileSize(part)
  const hash = createHash('sha256')
  await hashFileRange(part, hash, 0, offset, { signal })
  const conn = await link.connection(signal)
  return exchange(conn, signal, async () => {
    const id = conn.newId()
    conn.write(
      encodeHeader(
        offset > 0 ? { op: 'GET', id, path: remotePath, offset } : { op: 'GET', id, path: remotePath },
      ),
    )
    const start = conn.parse(await conn.next(), id, ResponseSchemas.GET_START, true)
    if (start.offset !== offset || start.body !== start.size - start.offset) {
      throw conn.failWith(
        'PROTOCOL',
        `GET answered offset ${start.offset} and ${start.body} bytes of ${start.size}`,
      )
    }
    if (options.expectedSize !== undefined && start.size !== options.expectedSize) {
      throw conn.failWith(
        'SIZE_MISMATCH',
        `${remotePath}: the server listed ${options.expectedSize} bytes but sends ${start.size}`,
      )
    }
    meter.total = Math.max(meter.total, base + start.size)
    meter.jump(base + offset)
    // Only now, with the server's answer in hand, does anything appear on the local disk.
    if (offset === 0) await mkdirFor(part)
    const fd = await openPart(part, offset)
    // The sink batches socket chunks into a few large writes and holds the socket back only while it is over its
    // high-water mark, so memory stays bounded by the connection's queue plus WRITE_HIGH_WATER.
    const sink = new FileSink(fd, offset, {
      highWaterBytes: WRITE_HIGH_WATER,
      lowWaterBytes: WRITE_LOW_WATER,
      maxBatchBytes: WRITE_BATCH,
      syncEveryBytes: SYNC_EVERY,
      syncSlots: BACKGROUND_SYNCS,
    })
    try {
      for (;;) {
        const event = await conn.next()
        if (event.kind === 'end') break
        if (event.kind !== 'body') throw conn.failWith('PROTOCOL', 'GET body ended early')
        if (sink.error !== null) throw sink.error
        // Handed to the file first, so the thread pool writes it while this thread hashes it. Socket reads
        // come in fresh buffers that nothing changes later: the bytes hashed are the bytes written.
        const room = sink.write(event.chunk)
        hash.update(event.chunk)
        if (!room) await sink.room()
        meter.advance(event.chunk.length)
      }
      const done = conn.parse(await conn.next(), id, ResponseSchemas.GET_DONE, false)
      await sink.flush()
      await new Promise<void>((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())))
      return { size: start.size, sha256: hash.digest('hex'), expected: done.sha256, mtimeMs: start.mtimeMs }
    } catch (err: unknown) {
      throw err instanceof FerryError ? err : fromSystemError(err, part)
    } finally {
      // Never close the file under a write still in flight; what arrived stays in the part for a resume.
      await sink.flush().catch(() => undefined)
      await new Promise<void>((resolve) => closeFd(fd, () => resolve()))
    }
  })
}

async function checkTarget(localPath: string, overwrite: boolean): Promise<void> {
  let stats
  try {
    stats = await fs.stat(localPath)
  } catch (err: unknown) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw fromSystemError(err, localPath)
  }
  if (stats.isDirectory()) throw new FerryError('IS_A_DIRECTORY', `${localPath} is a folder`)
  if (!overwrite) throw new FerryError('EXISTS', `${localPath} already exists`)
}

async function mkdirFor(localPath: string): Promise<void> {
  try {
    await fs.mkdir(path.dirname(localPath), { recursive: true })
  } catch (err: unknown) {
    throw fromSystemError(err, path.dirname(localPath))
  }
}

async function fileSize(filePath: string): Promise<number> {
  try {
    const stats = await fs.stat(filePath)
    if (!stats.isFile()) throw new FerryError('INVALID_ARGUMENT', `${filePath} is in the way (not a file)`)
    return stats.size
  } catch (err: unknown) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0
    throw fromSystemError(err, filePath)
  }
}

async function openPart(part: string, offset: number): Promise<number> {
  try {
    return await new Promise<number>((resolve, reject) =>
      openFd(part, offset > 0 ? 'r+' : 'w', (err, fd) => (err ? reject(err) : resolve(fd))),
    )
  } catch (err: unknown) {
    throw fromSystemError(err, part)
  }
}

async function removePart(part: string): Promise<void> {
  try {
    await fs.rm(part, { force: true })
  } catch (err: unknown) {
    throw fromSystemError(err, part)
  }
}

/** Gives the part the remote mtime and moves it into place; without overwrite, never replaces a file. */
async function finishFile(part: string, target: string, overwrite: boolean, mtimeMs: number): Promise<void> {
  try {
    await fs.utimes(part, new Date(), new Date(mtimeMs))
    if (overwrite) {
      await fs.rename(part, target)
      return
    }
    try {
      // link() fails if the target appeared meanwhile, unlike rename(); the complete part stays for a retry.
      await fs.link(part, target)
      await fs.unlink(part)
    } catch (err: unknown) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'EEXIST') throw new FerryError('EXISTS', `${target} already exists`)
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV') throw err
      await checkTarget(target, false)
      await fs.rename(part, target)
    }
  } catch (err: unknown) {
    throw fromSystemError(err, target)
  }
}
