// The body of LocalStore.read(): a byte range of an open fd as a Readable that owns the fd (closed when the
// stream ends or is destroyed, never under an outstanding read). Chunks come from a small pool the reader may
// hand back (StoreRead.release) once its socket has sent them, so a long download does not allocate a fresh
// megabyte per chunk. At the end it fstat's the file once more: the caller learns whether the file held still
// (`after`), and a read that was promised a remembered hash fails instead of ending when the file changed.
import type { Stats } from 'node:fs'
import { Readable } from 'node:stream'
import { ChunkPool } from '../../fs-io/chunk-pool'
import { FerryError, fromSystemError } from '../../protocol/error-codes'
import { closeFdQuietly, fstatFd, readFully } from './fd-io'
import { sameIdentity } from './file-identity'

/** Read size for a streamed file; with the stream's own read-ahead one chunk is read while another drains. */
export const READ_CHUNK_BYTES = 1024 * 1024

export interface RangeStreamOptions {
  fd: number
  wirePath: string
  /** fstat of the fd when it was opened. */
  before: Stats
  start: number
  /** Bytes to deliver; the stream ends early (short) if the file shrinks. */
  length: number
  /** The read was handed a remembered hash: a file changed by the end must not look like a clean read. */
  mustHoldStill: boolean
  /** Take the fstat after the last byte (`after`) even without mustHoldStill: its hash may be remembered. */
  fstatAtEnd: boolean
}

export class RangeStream extends Readable {
  /** fstat taken after the last byte when the whole range was read; null until then (or if it failed). */
  after: Stats | null = null
  private position: number
  private readonly end: number
  private readonly pool: ChunkPool
  /** The whole pool buffer behind each chunk handed out, so release() takes back only this stream's own. */
  private readonly owned = new WeakMap<ArrayBufferLike, Buffer>()
  private reading: Promise<void> | null = null

  constructor(readonly options: RangeStreamOptions) {
    super({ highWaterMark: READ_CHUNK_BYTES })
    this.position = options.start
    this.end = options.start + options.length
    this.pool = new ChunkPool(Math.min(READ_CHUNK_BYTES, Math.max(1, options.length)), 3)
  }

  /** Takes back a chunk this stream produced once nobody needs its bytes any more. */
  release(chunk: Buffer): void {
    const whole = this.owned.get(chunk.buffer)
    if (whole !== undefined) this.pool.give(whole)
  }

  override _read(): void {
    if (this.reading !== null) return
    this.reading = this.readNext().finally(() => {
      this.reading = null
    })
  }

  private async readNext(): Promise<void> {
    const { fd, wirePath } = this.options
    try {
      if (this.position >= this.end) {
        await this.finish()
        return
      }
      const buffer = this.pool.take()
      this.owned.set(buffer.buffer, buffer)
      const n = await readFully(fd, buffer, Math.min(buffer.length, this.end - this.position), this.position)
      if (this.destroyed) return
      if (n === 0) {
        // Shrunk under the read: end short; the reader sees fewer bytes than `length` and knows what that means.
        this.push(null)
        return
      }
      this.position += n
      this.push(buffer.subarray(0, n))
    } catch (err: unknown) {
      this.destroy(fromSystemError(err, wirePath))
    }
  }

  private async finish(): Promise<void> {
    const { fd, wirePath, before, mustHoldStill, fstatAtEnd } = this.options
    if (!mustHoldStill && !fstatAtEnd) {
      this.push(null)
      return
    }
    this.after = await fstatFd(fd).catch(() => null)
    if (this.destroyed) return
    if (mustHoldStill && (this.after === null || !sameIdentity(before, this.after))) {
      this.destroy(new FerryError('SIZE_MISMATCH', `${wirePath} changed while it was read`))
      return
    }
    this.push(null)
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    const close = (): void => {
      closeFdQuietly(this.options.fd)
      callback(err)
    }
    if (this.reading === null) close()
    else void this.reading.then(close, close)
  }
}
