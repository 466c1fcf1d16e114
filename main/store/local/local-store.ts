// The share as a folder on this machine, the embedded default. Everything that touches the file system for the
// server lives behind this class: the jail (share-root.ts), Linux fd pinning, staging under .ferry, the caches.
// The operations live beside it by kind: reads (local-reads.ts), names (local-names.ts), staged writes
// (local-staging.ts).
import { GroupSync } from '../../fs-io/group-sync'
import { KeyedMutex } from '../../fs-io/keyed-mutex'
import type {
  PutFileResult,
  PutFilesOptions,
  ReadRange,
  ShareStore,
  SmallFile,
  SmallFileRead,
  StageOptions,
  StagedWrite,
  StoreEntry,
  StoreRead,
  StoreStat,
  SweepResult,
} from '../share-store'
import { FileHashCache } from './file-hash-cache'
import * as batch from './local-batch'
import type { LocalContext, LocalStoreOptions } from './local-context'
import * as names from './local-names'
import * as reads from './local-reads'
import { readSmallSync } from './local-small-read'
import * as staging from './local-staging'
import { ShareRoot } from './share-root'
import { SmallFileCache } from './small-file-cache'
import { SyncGate } from './sync-gate'
import { UploadStore } from './upload-store'

export type { LocalStoreOptions } from './local-context'

export class LocalStore implements ShareStore {
  readonly kind = 'local'

  private constructor(readonly ctx: LocalContext) {}

  /** Opens (creating if missing) the folder, prepares .ferry and sweeps what earlier runs left there. */
  static async open(root: string, options: LocalStoreOptions = {}): Promise<LocalStore> {
    const share = await ShareRoot.open(root)
    const uploads = await UploadStore.open(share, { resumeWaitMs: options.resumeWaitMs })
    return new LocalStore({
      share,
      uploads,
      syncGate: new SyncGate(options.fastSmallReads ?? true),
      smallFiles:
        options.smallFileCache?.maxBytes === 0 ? undefined : new SmallFileCache(options.smallFileCache),
      fileHashes: options.fileHashCache === null ? undefined : (options.fileHashCache ?? new FileHashCache()),
      groupSync: new GroupSync(share.real),
      locks: new KeyedMutex(),
    })
  }

  /** The real (symlink-free) path of the folder. */
  get location(): string {
    return this.ctx.share.real
  }

  check(): Promise<void> {
    return reads.check(this.ctx)
  }

  list(path: string): Promise<StoreEntry[]> {
    return reads.list(this.ctx, path)
  }

  stat(path: string): Promise<StoreStat> {
    return reads.stat(this.ctx, path)
  }

  read(path: string, range?: ReadRange): Promise<StoreRead> {
    return reads.read(this.ctx, path, range)
  }

  readSmallSync(path: string): SmallFileRead | null {
    return readSmallSync(this.ctx, path)
  }

  rememberSha256(read: StoreRead, sha256: string): void {
    reads.rememberSha256(this.ctx, read, sha256)
  }

  stage(path: string, options: StageOptions): Promise<StagedWrite> {
    return staging.stage(this.ctx, path, options)
  }

  mkdir(path: string, options?: { parents?: boolean }): Promise<void> {
    return names.mkdir(this.ctx, path, options)
  }

  delete(path: string, options?: { recursive?: boolean }): Promise<void> {
    return names.remove(this.ctx, path, options)
  }

  rename(from: string, to: string, options?: { mode?: 'fail' | 'overwrite' }): Promise<void> {
    return names.rename(this.ctx, from, to, options)
  }

  putFiles(files: readonly SmallFile[], options: PutFilesOptions): Promise<PutFileResult[]> {
    return batch.putFiles(this.ctx, files, options)
  }

  usage(): Promise<number> {
    return staging.usage(this.ctx)
  }

  sweep(olderThanMs: number): Promise<SweepResult> {
    return staging.sweep(this.ctx, olderThanMs)
  }

  close(): Promise<void> {
    return Promise.resolve()
  }
}
