// Streaming SHA-256 of local files: never reads a whole file into memory (see main/fs-io/hash-range.ts).
import { createHash } from 'node:crypto'
import { hashFileRange } from '../fs-io/hash-range'

/** SHA-256 (lowercase hex) of the first `size` bytes of a file; SIZE_MISMATCH if it is shorter. */
export async function sha256File(filePath: string, size: number, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256')
  await hashFileRange(filePath, hash, 0, size, { signal })
  return hash.digest('hex')
}
