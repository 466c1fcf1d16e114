// A share kept in one bucket (and optional key prefix) of an S3-compatible store, so several Ferry servers can serve
// the same share. Files are objects, folders are key prefixes with an empty marker object ('name/') that keeps an
// empty folder in existence. The bigger operations live beside this file: reads (s3-read.ts), staged uploads
// (s3-staged-write.ts, s3-place.ts), rename (s3-rename.ts), usage and sweep (s3-maintenance.ts).
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3'
import { FerryError } from '../../protocol/error-codes'
import { nameProblem, parentPath, parseRelativePath } from '../../protocol/paths'
import { createS3Client } from './s3-client'
import type { S3StoreOptions } from './s3-config'
import { DEFAULT_PART_BYTES, MAX_COPY_BYTES, MIN_PART_BYTES, type S3Context } from './s3-context'
import { toStoreError } from './s3-errors'
import { KeySpace } from './s3-keys'
import { sweep, usage } from './s3-maintenance'
import {
  anyKeyBelow,
  assertFolder,
  deleteKeys,
  headObject,
  kindOf,
  listLevel,
  objectsBelow,
  putMarker,
} from './s3-objects'
import { readRange } from './s3-read'
import { renamePath } from './s3-rename'
import { S3StagedWrite } from './s3-staged-write'
import { StagedWriters } from './s3-writers'
import { stagedKeys } from './s3-staged-record'
import type {
  ReadRange,
  ShareStore,
  StageOptions,
  StagedWrite,
  StoreEntry,
  StoreRead,
  StoreStat,
  SweepResult,
} from '../share-store'

function byName(a: StoreEntry, b: StoreEntry): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}

export class S3Store implements ShareStore {
  readonly kind = 's3'
  private readonly ctx: S3Context
  private readonly client: S3Client
  private readonly writers: StagedWriters

  constructor(options: S3StoreOptions) {
    const partSize = options.partSizeBytes ?? DEFAULT_PART_BYTES
    if (!Number.isSafeInteger(partSize) || partSize < MIN_PART_BYTES) {
      throw new FerryError('INVALID_ARGUMENT', `the S3 part size must be at least ${MIN_PART_BYTES} bytes`)
    }
    const copyThreshold = options.copyPartThresholdBytes ?? MAX_COPY_BYTES
    if (!Number.isSafeInteger(copyThreshold) || copyThreshold < 0 || copyThreshold > MAX_COPY_BYTES) {
      throw new FerryError('INVALID_ARGUMENT', `the S3 copy threshold must be 0 .. ${MAX_COPY_BYTES} bytes`)
    }
    if (!options.bucket) throw new FerryError('INVALID_ARGUMENT', 'the S3 store needs a bucket')
    this.client = createS3Client(options)
    this.writers = new StagedWriters(options.writerWaitMs)
    const errorContext = {
      bucket: options.bucket,
      accessKeyId: options.accessKeyId,
      secret: options.secretAccessKey,
    }
    this.ctx = {
      client: this.client,
      bucket: options.bucket,
      keys: new KeySpace(options.prefix),
      partSize,
      copyThreshold,
      fail: (err, what) => toStoreError(err, what, errorContext),
    }
  }

  get location(): string {
    return `s3://${this.ctx.bucket}/${this.ctx.keys.prefix}`
  }

  async check(): Promise<void> {
    await this.client
      .send(new ListObjectsV2Command({ Bucket: this.ctx.bucket, Prefix: this.ctx.keys.prefix, MaxKeys: 1 }))
      .catch((err: unknown) => {
        throw this.ctx.fail(err, `S3 bucket ${this.ctx.bucket}`)
      })
  }

  async list(path: string): Promise<StoreEntry[]> {
    const folderKey = this.ctx.keys.folder(path)
    const level = await listLevel(this.ctx, folderKey, path || 'the root')
    const entries: StoreEntry[] = []
    for (const file of level.files) {
      const name = file.key.slice(folderKey.length)
      if (nameProblem(name) === null)
        entries.push({ name, type: 'file', size: file.size, mtimeMs: file.mtimeMs })
    }
    for (const prefix of level.folders) {
      const name = prefix.slice(folderKey.length, -1)
      // Ferry's own '.ferry/' and names the wire refuses (written by other tools) are not shown.
      if (nameProblem(name) === null) entries.push({ name, type: 'dir', size: 0, mtimeMs: 0 })
    }
    if (entries.length === 0 && path !== '') {
      // Empty, or not there: a folder exists while it has a marker or anything below it.
      const found = await kindOf(this.ctx, path)
      if (found.kind === 'file') throw new FerryError('NOT_A_DIRECTORY', `${path}: is not a folder`)
      if (found.kind === 'none') throw new FerryError('NOT_FOUND', `${path}: does not exist`)
    }
    return entries.sort(byName)
  }

  async stat(path: string): Promise<StoreStat> {
    const segments = parseRelativePath(path)
    // The root is named like the local share's folder: the prefix's last segment, or the bucket.
    const name = segments.at(-1) ?? (this.ctx.keys.prefix.split('/').at(-2) || this.ctx.bucket)
    const found = await kindOf(this.ctx, path)
    if (found.kind === 'none') throw new FerryError('NOT_FOUND', `${path}: does not exist`)
    if (found.kind === 'dir') {
      const marker = path === '' ? null : await headObject(this.ctx, this.ctx.keys.folder(path), path)
      return { path, name, type: 'dir', size: 0, mtimeMs: marker?.mtimeMs ?? 0 }
    }
    const { size, mtimeMs, sha256 } = found.info
    return { path, name, type: 'file', size, mtimeMs, ...(sha256 ? { sha256 } : {}) }
  }

  read(path: string, range?: ReadRange): Promise<StoreRead> {
    return readRange(this.ctx, path, range)
  }

  async stage(path: string, options: StageOptions): Promise<StagedWrite> {
    this.ctx.keys.file(path)
    if (!Number.isSafeInteger(options.size) || options.size < 0) {
      throw new FerryError('INVALID_ARGUMENT', `${path}: invalid size ${options.size}`)
    }
    await assertFolder(this.ctx, parentPath(path), path)
    if (await anyKeyBelow(this.ctx, this.ctx.keys.folder(path), path)) {
      throw new FerryError('IS_A_DIRECTORY', `${path}: is a folder`)
    }
    const claim = await this.writers.claim(path, options.size, options.key, options.onWait)
    try {
      const keys = stagedKeys(this.ctx, path, options.size, claim.key)
      const resume = claim.shared && options.resume === true
      return claim.track(await S3StagedWrite.open(this.ctx, path, options.size, keys, resume))
    } catch (err: unknown) {
      claim.release()
      throw err
    }
  }

  async mkdir(path: string, options: { parents?: boolean } = {}): Promise<void> {
    const segments = parseRelativePath(path)
    if (segments.length === 0) throw new FerryError('EXISTS', 'the root already exists')
    this.ctx.keys.folder(path)
    const found = await kindOf(this.ctx, path)
    if (found.kind === 'file') throw new FerryError('EXISTS', `${path}: exists and is not a folder`)
    if (found.kind === 'dir') {
      if (options.parents) return
      throw new FerryError('EXISTS', `${path}: already exists`)
    }
    if (!options.parents) {
      await assertFolder(this.ctx, parentPath(path), path)
      await putMarker(this.ctx, this.ctx.keys.folder(path), path)
      return
    }
    // Markers from the top down, each level checked: a file on the way is NOT_A_DIRECTORY.
    for (let depth = 1; depth <= segments.length; depth++) {
      const level = segments.slice(0, depth).join('/')
      const kind = depth === segments.length ? found : await kindOf(this.ctx, level)
      if (kind.kind === 'file') throw new FerryError('NOT_A_DIRECTORY', `${path}: ${level} is a file`)
      await putMarker(this.ctx, this.ctx.keys.folder(level), path)
    }
  }

  async delete(path: string, options: { recursive?: boolean } = {}): Promise<void> {
    if (parseRelativePath(path).length === 0) {
      throw new FerryError('INVALID_ARGUMENT', 'the root of the share cannot be deleted')
    }
    const found = await kindOf(this.ctx, path)
    if (found.kind === 'none') throw new FerryError('NOT_FOUND', `${path}: does not exist`)
    if (found.kind === 'file') {
      await deleteKeys(this.ctx, [found.info.key], path)
    } else {
      const marker = this.ctx.keys.folder(path)
      const below: string[] = []
      for await (const page of objectsBelow(this.ctx, marker, path)) {
        for (const o of page) if (o.Key !== undefined && o.Key !== marker) below.push(o.Key)
        if (below.length > 0 && !options.recursive) throw new FerryError('NOT_EMPTY', `${path}: is not empty`)
      }
      // Contents first, the marker last: a delete cut short leaves a folder that still shows what is left.
      await deleteKeys(this.ctx, below, path)
      await deleteKeys(this.ctx, [marker], path)
    }
    // A folder that exists only as a key prefix would vanish with its last entry: keep it.
    await putMarker(this.ctx, this.ctx.keys.folder(parentPath(path)), path)
  }

  rename(from: string, to: string, options: { mode?: 'fail' | 'overwrite' } = {}): Promise<void> {
    return renamePath(this.ctx, from, to, options.mode ?? 'fail')
  }

  usage(): Promise<number> {
    return usage(this.ctx)
  }

  sweep(olderThanMs: number): Promise<SweepResult> {
    return sweep(this.ctx, olderThanMs)
  }

  close(): Promise<void> {
    this.client.destroy()
    return Promise.resolve()
  }

  /** The store's name for logs; never the credentials. */
  toString(): string {
    return `S3Store(${this.ctx.bucket}/${this.ctx.keys.prefix})`
  }
}
