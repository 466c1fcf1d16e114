// The local side of an upload: what identifies this version of the file (and so names its partial on the server),
// and one open descriptor the bytes are read from, with checks that the file did not change while it was sent.
import { createHash } from 'node:crypto'
import type { Stats } from 'node:fs'
import fsp, { type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { FerryError, fromSystemError } from '../protocol/error-codes'

export interface LocalFile {
  size: number
  mtimeMs: number
  ino: number
  dev: number
  /**
   * Names this version of this local file (absolute path, size, mtime, inode): the same after a dropped
   * connection and after an app restart, different once the file is edited. The server keys the upload's
   * resumable partial by it.
   */
  uploadKey: string
}

/** Stats a local regular file and derives its upload key; reads none of its bytes. */
export async function describeLocalFile(localPath: string): Promise<LocalFile> {
  const absolute = path.resolve(localPath)
  let stats: Stats
  try {
    stats = await fsp.stat(absolute)
  } catch (err: unknown) {
    throw fromSystemError(err, localPath)
  }
  if (stats.isDirectory()) throw new FerryError('IS_A_DIRECTORY', `${localPath} is a folder`)
  if (!stats.isFile()) throw new FerryError('INVALID_ARGUMENT', `${localPath} is not a regular file`)
  const identity = [absolute, stats.size, stats.mtimeMs, stats.ino, stats.dev]
  const uploadKey = createHash('sha256')
    .update(JSON.stringify(['ferry-upload-key-1', ...identity]))
    .digest('hex')
  return { size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino, dev: stats.dev, uploadKey }
}

function changed(stats: Stats, file: LocalFile): boolean {
  return (
    stats.size !== file.size ||
    stats.mtimeMs !== file.mtimeMs ||
    stats.ino !== file.ino ||
    stats.dev !== file.dev
  )
}

export class LocalSource {
  private constructor(
    private readonly handle: FileHandle,
    readonly localPath: string,
    readonly file: LocalFile,
  ) {}

  /** Opens the file described by `file`; SIZE_MISMATCH if it is no longer that version. */
  static async open(localPath: string, file: LocalFile): Promise<LocalSource> {
    let handle: FileHandle
    try {
      handle = await fsp.open(localPath, 'r')
    } catch (err: unknown) {
      throw fromSystemError(err, localPath)
    }
    const source = new LocalSource(handle, localPath, file)
    try {
      await source.assertUnchanged('since it was listed')
    } catch (err: unknown) {
      await handle.close()
      throw err
    }
    return source
  }

  get fd(): number {
    return this.handle.fd
  }

  /**
   * Reads exactly `length` bytes at `position` into the start of `into` (a new buffer if not given) and returns
   * that view; the socket keeps it until it is sent.
   */
  async read(position: number, length: number, into?: Buffer): Promise<Buffer> {
    const buffer = into && into.length >= length ? into.subarray(0, length) : Buffer.allocUnsafe(length)
    let filled = 0
    while (filled < length) {
      let n: number
      try {
        n = (await this.handle.read(buffer, filled, length - filled, position + filled)).bytesRead
      } catch (err: unknown) {
        throw fromSystemError(err, this.localPath)
      }
      if (n === 0) {
        throw new FerryError('SIZE_MISMATCH', `${this.localPath} shrank while it was uploaded`)
      }
      filled += n
    }
    return buffer
  }

  /**
   * SIZE_MISMATCH if the open file's size, mtime or identity moved: bytes read while it was being written may
   * be a torn mix of two versions, which the server must never accept.
   */
  async assertUnchanged(when = 'while it was uploaded'): Promise<void> {
    let stats: Stats
    try {
      stats = await this.handle.stat()
    } catch (err: unknown) {
      throw fromSystemError(err, this.localPath)
    }
    if (changed(stats, this.file)) throw new FerryError('SIZE_MISMATCH', `${this.localPath} changed ${when}`)
  }

  close(): Promise<void> {
    return this.handle.close()
  }
}
