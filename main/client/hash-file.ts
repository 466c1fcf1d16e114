// Streaming SHA-256 of local files: never reads a whole file into memory.
import { createHash, type Hash } from 'node:crypto'
import fs from 'node:fs'
import { FerryError, fromSystemError } from '../protocol/error-codes'

const READ_CHUNK = 1024 * 1024

/** Feeds the first `length` bytes of a file into `hash`; SIZE_MISMATCH if the file is shorter. */
export async function hashPrefix(
  hash: Hash,
  filePath: string,
  length: number,
  signal?: AbortSignal,
): Promise<void> {
  if (length === 0) return
  const stream = fs.createReadStream(filePath, { start: 0, end: length - 1, highWaterMark: READ_CHUNK })
  let seen = 0
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (signal?.aborted) throw new FerryError('CANCELLED', 'cancelled')
      hash.update(chunk)
      seen += chunk.length
    }
  } catch (err: unknown) {
    throw fromSystemError(err, filePath)
  } finally {
    stream.destroy()
  }
  if (seen !== length) {
    throw new FerryError(
      'SIZE_MISMATCH',
      `${filePath} changed while it was read (${seen} of ${length} bytes)`,
    )
  }
}

/** SHA-256 (lowercase hex) of the first `size` bytes of a file. */
export async function sha256File(filePath: string, size: number, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256')
  await hashPrefix(hash, filePath, size, signal)
  return hash.digest('hex')
}
