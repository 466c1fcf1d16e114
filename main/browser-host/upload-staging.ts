// Upload staging for browser mode: the page streams each picked File into a temp file here, and the ordinary
// transfer queue then uploads that file. Writes are acknowledged only once on disk, which is what paces the page.
import { createWriteStream } from 'node:fs'
import type { WriteStream } from 'node:fs'
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { FerryError, fromSystemError } from '../protocol/error-codes'

/** The staging folder inside a browser host's data folder. */
export const STAGING_FOLDER = 'ferry-staging'

/** Deletes every staged copy in dir except those listed (the transfer queue's unfinished uploads). */
export async function pruneStaging(dir: string, keep: string[]): Promise<void> {
  const wanted = new Set(keep)
  const names = await readdir(dir).catch(() => [])
  await Promise.all(
    names
      .map((name) => join(dir, name))
      .filter((p) => !wanted.has(p))
      .map((p) => rm(p, { force: true, recursive: true })),
  )
}

/** Open (unfinished) staged uploads one page may have at once. */
export const MAX_OPEN_UPLOADS = 256

interface Staged {
  path: string
  size: number
  received: number
  stream: WriteStream
  /** Bytes handed to the stream whose write callback has not run yet. */
  pending: number
  error: FerryError | null
}

export class UploadStaging {
  private readonly open = new Map<number, Staged>()
  private readonly complete = new Map<number, string>()
  private nextId = 1

  constructor(
    private readonly dir: string,
    private readonly maxPendingBytes: number,
  ) {}

  begin(size: number): number {
    if (this.open.size >= MAX_OPEN_UPLOADS) throw new FerryError('BUSY', 'too many uploads being staged')
    const id = this.nextId++
    const path = join(this.dir, `${process.pid}-${Date.now()}-${id}.upload`)
    const stream = createWriteStream(path, { flags: 'wx' })
    const staged: Staged = { path, size, received: 0, stream, pending: 0, error: null }
    stream.on('error', (err) => {
      staged.error = fromSystemError(err, 'staging the upload')
    })
    this.open.set(id, staged)
    return id
  }

  /** Appends a chunk; `done` runs once it is written, with the total bytes on disk or the error. */
  write(id: number, chunk: Buffer, done: (result: { bytes: number } | { error: FerryError }) => void): void {
    const staged = this.open.get(id)
    if (!staged) throw new FerryError('PROTOCOL', `no open upload ${id}`)
    if (staged.error) throw staged.error
    if (staged.received + chunk.length > staged.size) {
      throw new FerryError('SIZE_MISMATCH', `upload ${id} sent more than its declared ${staged.size} bytes`)
    }
    if (staged.pending + chunk.length > this.maxPendingBytes) {
      throw new FerryError('PROTOCOL', `upload ${id} sent past its unacknowledged window`)
    }
    staged.received += chunk.length
    staged.pending += chunk.length
    staged.stream.write(chunk, (err) => {
      staged.pending -= chunk.length
      if (err || staged.error) done({ error: staged.error ?? fromSystemError(err, 'staging the upload') })
      else done({ bytes: staged.received - staged.pending })
    })
  }

  /** Closes a fully received upload and returns its file; it stays staged until the transfer is done. */
  async finish(id: number): Promise<string> {
    const done = this.complete.get(id)
    if (done) return done
    const staged = this.open.get(id)
    if (!staged) throw new FerryError('NOT_FOUND', `no staged upload ${id}`)
    if (staged.received !== staged.size) {
      throw new FerryError('SIZE_MISMATCH', `upload ${id} got ${staged.received} of ${staged.size} bytes`)
    }
    await new Promise<void>((resolve, reject) => {
      staged.stream.end((err?: Error | null) =>
        err ? reject(fromSystemError(err, 'staging the upload')) : resolve(),
      )
    })
    if (staged.error) throw staged.error
    this.open.delete(id)
    this.complete.set(id, staged.path)
    return staged.path
  }

  /** Hands the finished file over (to the transfer queue, which deletes it after uploading). */
  take(id: number): void {
    this.complete.delete(id)
  }

  async abort(id: number): Promise<void> {
    const staged = this.open.get(id)
    const path = staged?.path ?? this.complete.get(id)
    this.open.delete(id)
    this.complete.delete(id)
    staged?.stream.destroy()
    if (path) await rm(path, { force: true })
  }

  /** Drops everything not handed over (the page went away). */
  async dispose(): Promise<void> {
    const ids = [...this.open.keys(), ...this.complete.keys()]
    await Promise.all(ids.map((id) => this.abort(id)))
  }
}
