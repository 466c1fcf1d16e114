// Streaming SHA-256 over a byte range of a file, shared by the client (a local file's prefix before it resumes a
// download or an upload) and the server (a partial upload's prefix before it continues it). Node I/O lives here,
// outside main/protocol, which stays pure.
import type { Hash } from 'node:crypto'
import fs from 'node:fs'
import { FerryError, fromSystemError } from '../protocol/error-codes'

/** Bytes read per step: large enough to keep the thread pool busy, small enough to stay cheap in memory. */
export const HASH_CHUNK_BYTES = 1024 * 1024

export interface HashRangeOptions {
  signal?: AbortSignal
  /** Names the file in error messages (a path, or what the file stands for). */
  label?: string
}

function read(fd: number, buffer: Buffer, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.read(fd, buffer, 0, length, position, (err, bytesRead) => (err ? reject(err) : resolve(bytesRead)))
  })
}

/**
 * Feeds bytes [start, end) of an open file into `hash`. SIZE_MISMATCH if the file ends before `end` (it changed
 * under us); CANCELLED when the signal fires between reads.
 */
export async function hashFdRange(
  fd: number,
  hash: Hash,
  start: number,
  end: number,
  options: HashRangeOptions = {},
): Promise<void> {
  const label = options.label ?? 'file'
  if (end <= start) return
  // hash.update copies what it needs synchronously, so one buffer serves every read.
  const buffer = Buffer.allocUnsafe(Math.min(HASH_CHUNK_BYTES, end - start))
  for (let position = start; position < end;) {
    if (options.signal?.aborted) throw new FerryError('CANCELLED', 'cancelled')
    let n: number
    try {
      n = await read(fd, buffer, Math.min(buffer.length, end - position), position)
    } catch (err: unknown) {
      throw fromSystemError(err, label)
    }
    if (n === 0) {
      throw new FerryError(
        'SIZE_MISMATCH',
        `${label} changed while it was read (it ends at byte ${position}, expected ${end})`,
      )
    }
    hash.update(buffer.subarray(0, n))
    position += n
  }
}

/** hashFdRange over a path: opens the file read-only for the duration. */
export async function hashFileRange(
  filePath: string,
  hash: Hash,
  start: number,
  end: number,
  options: HashRangeOptions = {},
): Promise<void> {
  if (end <= start) return
  const opts = { ...options, label: options.label ?? filePath }
  let handle: fs.promises.FileHandle
  try {
    handle = await fs.promises.open(filePath, 'r')
  } catch (err: unknown) {
    throw fromSystemError(err, opts.label)
  }
  try {
    await hashFdRange(handle.fd, hash, start, end, opts)
  } finally {
    await handle.close()
  }
}
