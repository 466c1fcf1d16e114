// Writes a stream of chunks into an open file at increasing positions, for the receiving end of a transfer (the
// client's download, the server's upload). Unlike fs.WriteStream, whose 'drain' only fires once its buffer is
// completely empty, the producer is let go again at a low-water mark while the queue still holds work, so the
// thread-pool thread copying into the page cache never sits idle waiting for the network to refill it. One
// writev at a time takes everything queued so far: the kernel serializes buffered writes to one file anyway, and
// big batches keep the thread-pool round trips few.
import fs from 'node:fs'
import { FerryError } from '../protocol/error-codes'

export interface FileSinkOptions {
  /** write() returns false once this many bytes are queued or being written. */
  highWaterBytes: number
  /** room() resolves once the bytes queued or being written fall to this many. */
  lowWaterBytes: number
  /** Most bytes one writev takes. */
  maxBatchBytes?: number
  /**
   * Start an fdatasync in the background after every this many bytes written, so the page cache is written
   * back while the transfer goes on instead of all at once in the caller's final fsync (which still runs).
   */
  syncEveryBytes?: number
  /** Shared cap on background syncs in flight (each holds a thread-pool thread while the disk works). */
  syncSlots?: SyncSlots
}

/**
 * How many background syncs may run at once across the sinks sharing it. A sink that finds no free slot skips
 * that round and tries again after its next write, so on a slow disk many concurrent transfers never tie up the
 * thread pool (which also serves every file read) with waits on the disk.
 */
export class SyncSlots {
  private used = 0

  constructor(readonly max: number) {}

  tryTake(): boolean {
    if (this.used >= this.max) return false
    this.used++
    return true
  }

  release(): void {
    this.used = Math.max(0, this.used - 1)
  }
}

/** Buffers per writev: well under IOV_MAX (1024 on Linux), so the kernel never sees a partial vector. */
const MAX_BATCH_BUFFERS = 512
const DEFAULT_MAX_BATCH_BYTES = 8 * 1024 * 1024

export class FileSink {
  private queue: Buffer[] = []
  private queuedBytes = 0
  private inFlightBytes = 0
  private writing = false
  private syncing = false
  private unsyncedBytes = 0
  private failure: unknown = null
  private roomWaiters: (() => void)[] = []
  private idleWaiters: (() => void)[] = []
  private readonly high: number
  private readonly low: number
  private readonly maxBatch: number
  private readonly syncEvery: number
  private readonly syncSlots: SyncSlots | null

  constructor(
    private readonly fd: number,
    /** File offset of the first byte written. */
    private position: number,
    options: FileSinkOptions,
  ) {
    if (!(options.lowWaterBytes >= 0 && options.lowWaterBytes < options.highWaterBytes)) {
      throw new FerryError('INVALID_ARGUMENT', 'file sink: low water must be below high water')
    }
    this.high = options.highWaterBytes
    this.low = options.lowWaterBytes
    this.maxBatch = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES
    this.syncEvery = options.syncEveryBytes ?? Infinity
    this.syncSlots = options.syncSlots ?? null
  }

  /** The first write error (system error as thrown by fs), or null. Later chunks are dropped after one. */
  get error(): unknown {
    return this.failure
  }

  /** Bytes accepted but not yet in the file. */
  get pendingBytes(): number {
    return this.queuedBytes + this.inFlightBytes
  }

  /**
   * Queues a chunk for the file; the caller must not change it afterwards (it is written later, from another
   * thread). False means the sink is over its high-water mark: stop producing until room() resolves.
   */
  write(chunk: Buffer): boolean {
    if (this.failure !== null) return true
    if (chunk.length > 0) {
      this.queue.push(chunk)
      this.queuedBytes += chunk.length
      this.kick()
    }
    return this.pendingBytes < this.high
  }

  /** Resolves once the sink is at or below its low-water mark, or has failed (check `error`). */
  room(): Promise<void> {
    if (this.failure !== null || this.pendingBytes <= this.low) return Promise.resolve()
    return new Promise((resolve) => this.roomWaiters.push(resolve))
  }

  /**
   * Resolves once every accepted byte is in the file and no background sync is running; rejects with the write
   * error if one happened.
   */
  async flush(): Promise<void> {
    if (this.busy) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve))
    }
    if (this.failure !== null) throw this.failure
  }

  private get busy(): boolean {
    return this.writing || this.syncing || (this.failure === null && this.queuedBytes > 0)
  }

  private kick(): void {
    if (this.writing || this.queue.length === 0 || this.failure !== null) return
    let count = 0
    let bytes = 0
    while (count < this.queue.length && count < MAX_BATCH_BUFFERS) {
      const next = this.queue[count]!.length
      if (count > 0 && bytes + next > this.maxBatch) break
      bytes += next
      count++
    }
    const batch = this.queue.splice(0, count)
    this.queuedBytes -= bytes
    this.inFlightBytes = bytes
    this.writing = true
    const at = this.position
    fs.writev(this.fd, batch, at, (err, written) => this.written(batch, bytes, at, err, written))
  }

  private written(
    batch: Buffer[],
    bytes: number,
    at: number,
    err: NodeJS.ErrnoException | null,
    written: number,
  ): void {
    this.writing = false
    this.inFlightBytes = 0
    if (err === null && written === 0 && bytes > 0) {
      err = Object.assign(new Error(`write of ${bytes} bytes at ${at} made no progress`), { code: 'EIO' })
    }
    if (err !== null) {
      this.fail(err)
      return
    }
    this.position = at + written
    this.unsyncedBytes += written
    if (written < bytes) this.requeue(batch, written)
    if (this.queue.length > 0) this.kick()
    if (this.unsyncedBytes >= this.syncEvery) this.syncInBackground()
    if (this.pendingBytes <= this.low) this.wake('room')
    if (!this.busy) this.wake('idle')
  }

  private syncInBackground(): void {
    if (this.syncing || this.failure !== null) return
    if (this.syncSlots && !this.syncSlots.tryTake()) return
    this.syncing = true
    this.unsyncedBytes = 0
    fs.fdatasync(this.fd, (err) => {
      this.syncSlots?.release()
      this.syncing = false
      if (err) this.fail(err)
      else if (!this.busy) this.wake('idle')
    })
  }

  /** A short write (rare on regular files): the unwritten tail of the batch goes back to the front. */
  private requeue(batch: Buffer[], written: number): void {
    let skip = written
    const rest: Buffer[] = []
    for (const buffer of batch) {
      if (skip >= buffer.length) {
        skip -= buffer.length
        continue
      }
      rest.push(skip > 0 ? buffer.subarray(skip) : buffer)
      skip = 0
    }
    this.queue.unshift(...rest)
    this.queuedBytes += rest.reduce((sum, b) => sum + b.length, 0)
  }

  /** Keeps the first error; waiters for idle are let go only once no write or sync is still using the fd. */
  private fail(err: unknown): void {
    if (this.failure === null) this.failure = err
    this.queue = []
    this.queuedBytes = 0
    this.wake('room')
    if (!this.busy) this.wake('idle')
  }

  private wake(which: 'room' | 'idle'): void {
    const waiters = which === 'room' ? this.roomWaiters : this.idleWaiters
    if (waiters.length === 0) return
    if (which === 'room') this.roomWaiters = []
    else this.idleWaiters = []
    for (const resolve of waiters) resolve()
  }
}
