// Resumable uploads over HTTP, a chunked PUT of our own rather than tus: tus (@tus/server) brings a framework of
// its own (srvx, its DataStore model, five dependencies) and has no step that checks a whole-file SHA-256, while
// Ferry's store already does everything resumable uploads need (ShareStore.stage: offset and prefix hash on
// resume, commit verifies size and SHA-256 and makes the file visible whole). The protocol (docs/WEB.md):
//   POST   /api/uploads {path, size, key, mode, restart?}  -> {id, offset, prefixSha256, chunkBytes}
//   GET    /api/uploads/ID                                 -> {id, offset, size}
//   PATCH  /api/uploads/ID  Upload-Offset: N, body          -> {offset}   (409 OFFSET_INVALID with {offset})
//   POST   /api/uploads/ID/finish {sha256}                 -> {path, size, sha256}
//   DELETE /api/uploads/ID                                 -> drops the staged bytes
// An upload holds its StagedWrite between requests, so a PATCH cut mid-way keeps every byte that reached the
// store and the next one continues exactly there. Held uploads idle for `idleMs` are let go (their bytes stay
// staged): a later POST with the same (path, size, key) finds them again through stage(resume: true).
import { createHash, randomBytes } from 'node:crypto'
import type http from 'node:http'
import { FerryError, fromSystemError } from '../protocol/error-codes'
import type { OverwriteMode } from '../protocol/messages'
import { parseRelativePath } from '../protocol/paths'
import type { ShareQuota } from '../security/share-quota'
import type { CommitResult, ShareStore, StagedWrite } from '../store/share-store'

export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024
/** Largest PATCH body accepted; the page sends chunkBytes. */
export const MAX_CHUNK_BYTES = 64 * 1024 * 1024
export const DEFAULT_UPLOAD_IDLE_MS = 10 * 60 * 1000
export const MAX_HELD_UPLOADS = 256
const MAX_KEY_LENGTH = 512

export interface CreateUpload {
  path: string
  size: number
  key: string
  mode: OverwriteMode
  /** Drop whatever is staged under this key and start at 0 (the client found the prefix was not its own). */
  restart: boolean
}

export interface UploadsOptions {
  store: ShareStore
  quota?: ShareQuota
  chunkBytes?: number
  idleMs?: number
  log: (level: 'info' | 'warn', message: string) => void
}

class HeldUpload {
  busy = false
  timer: NodeJS.Timeout | null = null
  written: number
  constructor(
    readonly id: string,
    readonly identity: string,
    readonly request: CreateUpload,
    readonly staged: StagedWrite,
  ) {
    this.written = staged.offset
  }
}

export class WebUploads {
  private readonly held = new Map<string, HeldUpload>()
  private readonly byIdentity = new Map<string, HeldUpload>()
  readonly chunkBytes: number
  private readonly idleMs: number

  constructor(private readonly options: UploadsOptions) {
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES
    this.idleMs = options.idleMs ?? DEFAULT_UPLOAD_IDLE_MS
  }

  static parseCreate(body: unknown): CreateUpload {
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
    const { path, size, key } = b
    if (typeof path !== 'string') throw new FerryError('INVALID_ARGUMENT', 'path must be a string')
    if (parseRelativePath(path).length === 0)
      throw new FerryError('PATH_INVALID', 'the share root itself cannot be changed')
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
      throw new FerryError('INVALID_ARGUMENT', 'size must be a whole number of bytes')
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH)
      throw new FerryError('INVALID_ARGUMENT', `key must be a string of 1 to ${MAX_KEY_LENGTH} characters`)
    const mode = b['mode'] ?? 'fail'
    if (mode !== 'fail' && mode !== 'overwrite' && mode !== 'rename')
      throw new FerryError('INVALID_ARGUMENT', 'mode must be fail, overwrite or rename')
    return { path, size, key, mode, restart: b['restart'] === true }
  }

  async create(request: CreateUpload): Promise<{ id: string; offset: number; prefixSha256: string | null }> {
    // The client's key names the upload; hashed, so any string is safe wherever a store puts it, and prefixed
    // so it never meets the Ferry protocol's keys.
    const key = `web:${createHash('sha256').update(request.key, 'utf8').digest('hex')}`
    const identity = `${request.path}\0${request.size}\0${key}`
    const previous = this.byIdentity.get(identity)
    if (previous) {
      if (previous.busy)
        throw new FerryError('BUSY', `${request.path}: a chunk of this upload is still arriving`)
      // Let go of it so stage() below sees its bytes (and says how many the store kept).
      await this.release(previous, { discard: false })
    }
    if (this.held.size >= MAX_HELD_UPLOADS)
      throw new FerryError('BUSY', 'too many uploads at once; try later')
    const existing = await this.options.store.stat(request.path).catch((err: unknown) => {
      if (err instanceof FerryError && err.code === 'NOT_FOUND') return null
      throw err
    })
    if (existing?.type === 'dir') throw new FerryError('IS_A_DIRECTORY', `${request.path}: is a folder`)
    if (existing && request.mode === 'fail') throw new FerryError('EXISTS', `${request.path}: already exists`)
    const staged = await this.options.store.stage(request.path, {
      size: request.size,
      key,
      resume: !request.restart,
    })
    try {
      await this.options.quota?.claim(request.size - staged.offset)
    } catch (err: unknown) {
      await staged.abandon({ discard: staged.offset === 0 })
      throw err
    }
    const upload = new HeldUpload(randomBytes(18).toString('base64url'), identity, request, staged)
    this.held.set(upload.id, upload)
    this.byIdentity.set(identity, upload)
    this.touch(upload)
    return { id: upload.id, offset: staged.offset, prefixSha256: staged.prefixSha256 ?? null }
  }

  status(id: string): { id: string; offset: number; size: number } {
    const upload = this.get(id)
    return { id, offset: upload.written, size: upload.request.size }
  }

  /**
   * Appends the request body at `offset` (which must be where the upload stands). Bytes that reached the store
   * count even when the body is cut short; the answer (or the next status) gives the new offset.
   */
  async append(id: string, offset: number, length: number, body: http.IncomingMessage): Promise<number> {
    const upload = this.get(id)
    if (upload.busy) throw new FerryError('BUSY', 'another chunk of this upload is still arriving')
    if (offset !== upload.written) throw new OffsetConflict(upload.written)
    if (length > MAX_CHUNK_BYTES)
      throw new FerryError('TOO_LARGE', `chunks are at most ${MAX_CHUNK_BYTES} bytes`)
    if (offset + length > upload.request.size)
      throw new FerryError(
        'TOO_LARGE',
        `the chunk runs past the declared size of ${upload.request.size} bytes`,
      )
    upload.busy = true
    if (upload.timer) clearTimeout(upload.timer)
    const end = offset + length
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        if (upload.written + chunk.length > end)
          throw new FerryError('PROTOCOL', 'the body is longer than Content-Length')
        await upload.staged.write(chunk)
        upload.written += chunk.length
      }
    } catch (err: unknown) {
      if (err instanceof FerryError && err.code !== 'PROTOCOL') {
        // The store failed: this held write is unusable; what it staged stays for a fresh POST to resume.
        await this.release(upload, { discard: false })
        throw err
      }
      if (err instanceof FerryError) throw err
      this.options.log('info', `upload /${upload.request.path}: chunk cut short at byte ${upload.written}`)
      throw new FerryError('CONNECTION_CLOSED', 'the chunk was cut short', { cause: err })
    } finally {
      upload.busy = false
      if (this.held.has(upload.id)) this.touch(upload)
    }
    return upload.written
  }

  async finish(id: string, sha256: unknown): Promise<CommitResult> {
    const upload = this.get(id)
    if (upload.busy) throw new FerryError('BUSY', 'a chunk of this upload is still arriving')
    if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256))
      throw new FerryError('INVALID_ARGUMENT', 'sha256 must be 64 lowercase hex digits')
    if (upload.written !== upload.request.size) throw new OffsetConflict(upload.written)
    upload.busy = true
    try {
      const done = await upload.staged.commit(sha256, upload.request.mode)
      this.forget(upload)
      this.options.log('info', `upload /${done.path} done, ${done.size} bytes`)
      return done
    } catch (err: unknown) {
      // A failed commit has either dropped the bytes (size or hash wrong) or kept them; either way this held
      // write is over, and a new POST learns from the store where things stand.
      upload.busy = false
      await this.release(upload, { discard: false })
      throw fromSystemError(err, upload.request.path)
    }
  }

  async cancel(id: string): Promise<void> {
    const upload = this.get(id)
    if (upload.busy) throw new FerryError('BUSY', 'a chunk of this upload is still arriving')
    await this.release(upload, { discard: true })
  }

  /** Lets go of every held upload, keeping what is staged for later. */
  async close(): Promise<void> {
    await Promise.all([...this.held.values()].map((u) => this.release(u, { discard: false })))
  }

  get size(): number {
    return this.held.size
  }

  private get(id: string): HeldUpload {
    const upload = this.held.get(id)
    if (!upload) throw new FerryError('NOT_FOUND', 'no such upload (it finished, was cancelled or idled out)')
    return upload
  }

  private touch(upload: HeldUpload): void {
    if (upload.timer) clearTimeout(upload.timer)
    upload.timer = setTimeout(() => {
      if (upload.busy) return
      this.options.log(
        'info',
        `upload /${upload.request.path} idle: let go at ${upload.written} bytes (kept for a resume)`,
      )
      void this.release(upload, { discard: false })
    }, this.idleMs)
    upload.timer.unref()
  }

  private forget(upload: HeldUpload): void {
    if (upload.timer) clearTimeout(upload.timer)
    this.held.delete(upload.id)
    if (this.byIdentity.get(upload.identity) === upload) this.byIdentity.delete(upload.identity)
  }

  private async release(upload: HeldUpload, options: { discard: boolean }): Promise<void> {
    this.forget(upload)
    await upload.staged.abandon(options)
  }
}

/** The client's offset is not where the upload stands; the answer carries the right one. */
export class OffsetConflict extends FerryError {
  constructor(readonly offset: number) {
    super('OFFSET_INVALID', `the upload stands at byte ${offset}`)
  }
}
