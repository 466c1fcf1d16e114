// The uploads of browser mode's pages: upload.start plans the jobs and adds them to the transfer queue at once,
// in the 'sending' phase; each job's files then arrive as one byte stream (staged-stream.ts), POSTed by the page
// in one or more requests, whose progress is the job's; the job joins the queue when its files are all staged.
// Cancelling a job cuts its request off and removes what arrived; a page that goes away fails its unfinished
// jobs. Wire format: bridge-protocol.ts.
import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { join } from 'node:path'
import type { ApiError, JobOptions } from '../../preload/api'
import { ProgressMeter } from '../client/progress'
import type { FerryService } from '../ipc/ferry-service'
import { toApiError } from '../ipc/result'
import type { SizedUploadItem } from '../ipc/transfer-planner'
import type { Arrival } from '../ipc/transfer-service'
import { FerryError } from '../protocol/error-codes'
import type { UploadStream } from './bridge-protocol'
import { StagedStream } from './staged-stream'
import type { StagedFile } from './staged-stream'

/**
 * Streams that may stop in the middle of a file (each holds that staged file open until its next request). A
 * page sends one or two streams at a time; the bound is for a broken one.
 */
export const MAX_OPEN_FILES = 64

/** The request bringing a stream's bytes now. */
interface Waiter {
  request: IncomingMessage
  /** Its body has all come (it settles once that is on disk). */
  ended: boolean
  settle(error: FerryError | null): void
}

interface Entry {
  stream: StagedStream
  arrival: Arrival
  /** The page (bridge session) that started it: its going away ends the stream. */
  owner: object
  waiter: Waiter | null
}

export class PageUploads {
  private readonly streams = new Map<string, Entry>()
  /** Streams whose bytes so far end inside a file. */
  private readonly midFile = new Set<string>()

  constructor(
    private readonly service: FerryService,
    private readonly stagingDir: string,
    private readonly windowBytes: number,
  ) {}

  /** Plans the jobs (checked as any upload, before anything is made) and adds them, each with its stream. */
  start(
    files: Array<{ relativePath: string; size: number }>,
    remoteDir: string,
    owner: object,
    options: JobOptions = {},
  ): UploadStream[] {
    // One random prefix per call: two pages (or two runs) never stage to the same name.
    const prefix = join(this.stagingDir, `${process.pid}-${randomBytes(6).toString('hex')}`)
    const items: SizedUploadItem[] = files.map((f, i) => ({ ...f, localPath: `${prefix}-${i}.upload` }))
    const indexOf = new Map(items.map((item, i) => [item.localPath, i]))
    const specs = this.service.planArriving(items, remoteDir, options)
    return specs.map((spec) => {
      const paths = spec.kind === 'file' ? [spec.localPath] : (spec.files ?? []).map((f) => f.local)
      const staged: StagedFile[] = paths.map((path) => ({
        path,
        size: items[indexOf.get(path) ?? -1]?.size ?? 0,
      }))
      const key = randomBytes(16).toString('hex')
      const { id: transferId, arrival } = this.service.transfers.enqueueArriving(spec, () => this.cancel(key))
      // Every write counts (the queue throttles the events): a page that pauses still shows what it sent. The
      // rate is measured over a tenth of a second at least, from the first bytes rather than from the drop.
      let meter: ProgressMeter | null = null
      let rate = 0
      const entry: Entry = {
        stream: new StagedStream(staged, {
          written: (bytes) => {
            meter ??= new ProgressMeter((p) => (rate = p.rate), spec.total)
            meter.advance(bytes - meter.bytes)
            arrival.progress({ bytes, total: spec.total, rate })
            this.drain(entry)
          },
          finished: () => {
            this.forget(key)
            this.drain(entry)
            arrival.arrived()
          },
          failed: (error) => this.fail(key, toApiError(error)),
        }),
        arrival,
        owner,
        waiter: null,
      }
      this.streams.set(key, entry)
      return { transferId, stream: key, items: paths.map((path) => indexOf.get(path) ?? -1) }
    })
  }

  /**
   * Takes a request's body into stream `key` from `offset`: resolves with the stream's bytes on disk once the
   * body is there, or rejects with why not (the stream is over, the bytes do not follow or are too many, the
   * request was cut off).
   */
  receive(key: string, offset: number, request: IncomingMessage): Promise<number> {
    const entry = this.streams.get(key)
    if (!entry) return Promise.reject(over())
    const { stream } = entry
    if (entry.waiter) return Promise.reject(new FerryError('BUSY', 'this upload is already being sent'))
    if (offset !== stream.received) {
      return Promise.reject(
        new FerryError('OFFSET_INVALID', `the upload continues at ${stream.received}, not at ${offset}`),
      )
    }
    return new Promise<number>((resolve, reject) => {
      const waiter: Waiter = {
        request,
        ended: false,
        settle: (error) => {
          if (entry.waiter !== waiter) return
          entry.waiter = null
          request.off('data', onData)
          if (error) reject(error)
          else resolve(stream.written)
        },
      }
      entry.waiter = waiter
      const onData = (chunk: Buffer) => {
        try {
          if (!this.midFile.has(key) && this.midFile.size >= MAX_OPEN_FILES) {
            throw new FerryError('BUSY', 'too many uploads being sent at once')
          }
          stream.write(chunk)
          if (stream.midFile) this.midFile.add(key)
          else this.midFile.delete(key)
        } catch (err: unknown) {
          this.fail(key, toApiError(err), err instanceof FerryError ? err : undefined)
          return
        }
        // Past the window the body waits for the disk (drain resumes it).
        if (stream.pending > this.windowBytes) request.pause()
      }
      request.on('data', onData)
      request.once('end', () => {
        waiter.ended = true
        this.drain(entry)
      })
      // Cut off before its end (the page stopped it, or went away): what came is kept, the stream may go on.
      request.once('close', () => {
        if (!waiter.ended) waiter.settle(new FerryError('CONNECTION_CLOSED', 'the request was cut off'))
      })
    })
  }

  /** The page gave up on a stream (it could not read or send a file): its job fails with the page's reason. */
  abort(key: string, error: ApiError): void {
    this.fail(key, error)
  }

  /** A page went away: its unfinished jobs fail and their staged bytes go. */
  async release(owner: object): Promise<void> {
    const error: ApiError = {
      code: 'CONNECTION_CLOSED',
      message: 'the page closed before it had sent all of the files: drop them again',
    }
    const ended: StagedStream[] = []
    for (const [key, entry] of [...this.streams]) {
      if (entry.owner !== owner) continue
      this.end(key, over(), true)
      entry.arrival.failed(error)
      ended.push(entry.stream)
    }
    await Promise.all(ended.map((stream) => stream.abort()))
  }

  /** Cancel from the Transfers panel (any window): the request is cut off and what arrived removed. */
  private cancel(key: string): void {
    const entry = this.end(key, new FerryError('CANCELLED', 'cancelled'), true)
    if (entry) void entry.stream.abort()
  }

  private fail(key: string, error: ApiError, cause?: FerryError): void {
    const entry = this.end(key, cause ?? new FerryError(error.code, error.message), false)
    if (!entry) return
    entry.arrival.failed(error)
    void entry.stream.abort()
  }

  /**
   * Forgets a stream that ended early; the request bringing its bytes is answered (and its connection closed
   * after), or with `cut` cut off at once: a cancel must stop a page in the middle of a big body now.
   */
  private end(key: string, why: FerryError, cut: boolean): Entry | null {
    const entry = this.streams.get(key)
    if (!entry) return null
    this.forget(key)
    const waiter = entry.waiter
    waiter?.settle(why)
    if (cut) waiter?.request.socket.destroy()
    return entry
  }

  private forget(key: string): void {
    this.streams.delete(key)
    this.midFile.delete(key)
  }

  /** After a write: a paused body may come on, and one that has all come is answered once on disk. */
  private drain(entry: Entry): void {
    const waiter = entry.waiter
    if (!waiter) return
    const { stream } = entry
    if (waiter.request.isPaused() && stream.pending <= this.windowBytes / 2) waiter.request.resume()
    if (waiter.ended && stream.pending === 0) waiter.settle(null)
  }
}

function over(): FerryError {
  return new FerryError('CANCELLED', 'this upload is over')
}
