// One job's files arriving from the page as one byte stream (browser mode): their bytes back to back, in the
// order the host chose, cut into chunks that ignore file boundaries, so a folder of 10,000 small files costs a
// few chunks instead of 10,000 round trips. Each file is written to its own staging path as its bytes come; the
// listener hears once a chunk is on disk (what paces the page), once every file is whole, or why it failed.
import { open, rm, writeFile } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { FerryError, fromSystemError } from '../protocol/error-codes'

export interface StagedFile {
  /** Where the file is staged (created here, exclusively). */
  path: string
  size: number
}

export interface StagedStreamListener {
  /** Bytes of the stream on disk: after each chunk, and every PARTIAL_REPORT_MS within a slow one. */
  written(bytes: number): void
  /** Every file is written and closed. */
  finished(): void
  /** A write failed: the stream takes nothing more (the owner aborts it to remove its files). */
  failed(error: FerryError): void
}

/** Whole small files of one chunk written at once: distinct files, so their order does not matter. */
const PARALLEL_WRITES = 16
/** A chunk of many small files takes a while: what is on disk of it is reported this often meanwhile. */
const PARTIAL_REPORT_MS = 100
const NOTHING = Buffer.alloc(0)

/** The part of a chunk that belongs to one file; first/last: it starts or ends that file. */
interface Piece {
  index: number
  bytes: Buffer
  first: boolean
  last: boolean
}

export class StagedStream {
  readonly total: number
  /** Bytes taken so far (on disk or on their way). */
  received = 0
  /** Bytes on disk. */
  written = 0
  /** The file the next byte belongs to, and how much of it was taken. */
  private index = 0
  private offset = 0
  /** The file that spans chunks, open between them. */
  private handle: FileHandle | null = null
  private tail: Promise<void> = Promise.resolve()
  private reportedAt = 0
  private reported = 0
  private state: 'open' | 'failed' | 'aborted' | 'finished' = 'open'

  constructor(
    private readonly files: readonly StagedFile[],
    private readonly listener: StagedStreamListener,
  ) {
    this.total = files.reduce((sum, f) => sum + f.size, 0)
    // Empty files get no bytes to make them exist: the leading ones are made now, the others as the bytes
    // before them arrive. A stream of nothing but empty files is finished by this alone.
    this.enqueue(this.emptyFiles(), 0)
  }

  /** Bytes taken but not on disk yet: what the page may not exceed (its window). */
  get pending(): number {
    return this.received - this.written
  }

  /** The bytes taken so far end inside a file (which stays open for the next chunk). */
  get midFile(): boolean {
    return this.offset > 0
  }

  /** Takes the next bytes (written in order behind the earlier ones). Throws when they are more than declared. */
  write(chunk: Buffer): void {
    if (this.state !== 'open') throw new FerryError('CANCELLED', 'this upload was stopped')
    if (this.received + chunk.length > this.total) {
      throw new FerryError('SIZE_MISMATCH', `the page sent more than the ${this.total} bytes it declared`)
    }
    this.received += chunk.length
    this.enqueue(this.cut(chunk), chunk.length)
  }

  /** Stops taking bytes, waits for writes in flight, and removes every file it made. */
  async abort(): Promise<void> {
    if (this.state === 'aborted' || this.state === 'finished') return
    this.state = 'aborted'
    await this.tail
    await this.handle?.close().catch(() => undefined)
    this.handle = null
    const made = this.files.slice(0, this.index + 1)
    for (let i = 0; i < made.length; i += PARALLEL_WRITES * 4) {
      await Promise.all(
        made.slice(i, i + PARALLEL_WRITES * 4).map((f) => rm(f.path, { force: true }).catch(() => undefined)),
      )
    }
  }

  private enqueue(pieces: Piece[], bytes: number): void {
    this.tail = this.tail.then(async () => {
      if (this.state !== 'open') return
      const before = this.written
      try {
        await this.apply(pieces)
      } catch (err: unknown) {
        this.state = 'failed'
        this.listener.failed(fromSystemError(err, 'staging the upload'))
        return
      }
      this.written = before + bytes
      this.report(true)
      if (this.index === this.files.length && this.written === this.total) {
        this.state = 'finished'
        this.listener.finished()
      }
    })
  }

  /** Splits a chunk at file boundaries (and moves past the empty files that follow a finished one). */
  private cut(chunk: Buffer): Piece[] {
    const pieces: Piece[] = []
    let at = 0
    while (at < chunk.length) {
      const file = this.files[this.index]
      if (!file) break
      const take = Math.min(file.size - this.offset, chunk.length - at)
      const last = this.offset + take === file.size
      pieces.push({ index: this.index, bytes: chunk.subarray(at, at + take), first: this.offset === 0, last })
      this.offset += take
      at += take
      if (last) {
        this.index++
        this.offset = 0
        pieces.push(...this.emptyFiles())
      }
    }
    return pieces
  }

  private emptyFiles(): Piece[] {
    const pieces: Piece[] = []
    while (this.files[this.index]?.size === 0) {
      pieces.push({ index: this.index, bytes: NOTHING, first: true, last: true })
      this.index++
    }
    return pieces
  }

  /** A chunk's pieces: the rest of the open file, then whole files, then the start of the next open one. */
  private async apply(pieces: Piece[]): Promise<void> {
    let from = 0
    let to = pieces.length
    const head = pieces[0]
    if (head && !head.first) {
      await this.append(head)
      from = 1
    }
    const end = pieces[to - 1]
    const opening = to > from && end && !end.last ? end : null
    if (opening) to--
    for (let i = from; i < to; i += PARALLEL_WRITES) {
      const group = pieces.slice(i, Math.min(i + PARALLEL_WRITES, to))
      await Promise.all(group.map((p) => writeFile(this.pathOf(p), p.bytes, { flag: 'wx', mode: 0o600 })))
      for (const p of group) this.written += p.bytes.length
      this.report(false)
    }
    if (opening) {
      this.handle = await open(this.pathOf(opening), 'wx', 0o600)
      await this.append(opening)
    }
  }

  private report(always: boolean): void {
    const now = Date.now()
    if (this.written === this.reported || (!always && now - this.reportedAt < PARTIAL_REPORT_MS)) return
    this.reportedAt = now
    this.reported = this.written
    this.listener.written(this.written)
  }

  private async append(piece: Piece): Promise<void> {
    const handle = this.handle
    if (!handle) throw new FerryError('INTERNAL', 'no staged file open to append to')
    let done = 0
    while (done < piece.bytes.length) {
      done += (await handle.write(piece.bytes, done, piece.bytes.length - done)).bytesWritten
    }
    if (piece.last) {
      this.handle = null
      await handle.close()
    }
  }

  private pathOf(piece: Piece): string {
    const file = this.files[piece.index]
    if (!file) throw new FerryError('INTERNAL', `no staged file ${piece.index}`)
    return file.path
  }
}
