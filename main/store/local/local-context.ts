// What every part of LocalStore shares: the jailed folder, its staging area (.ferry/partial and .ferry/tmp), the
// gate for synchronous small reads, the caches, group durability and per-folder locks. Built once in
// LocalStore.open(); the parts (local-reads.ts, local-names.ts, local-staging.ts) take it as their first argument.
import type { GroupSync } from '../../fs-io/group-sync'
import type { KeyedMutex } from '../../fs-io/keyed-mutex'
import type { FileHashCache } from './file-hash-cache'
import type { ShareRoot } from './share-root'
import type { SmallFileCache, SmallFileCacheOptions } from './small-file-cache'
import type { SyncGate } from './sync-gate'
import type { UploadStore } from './upload-store'

export interface LocalStoreOptions {
  /**
   * Default true: small reads use synchronous fs calls while they stay fast (sync-gate.ts). False forces
   * thread-pool I/O everywhere, e.g. for a share on a network drive.
   */
  fastSmallReads?: boolean
  /** Small files' content and SHA-256 kept for repeated reads: default 64 MiB; maxBytes 0 turns it off. */
  smallFileCache?: Partial<SmallFileCacheOptions>
  /**
   * Whole-file SHA-256 of large files kept by identity: default a new cache; pass one to keep hashes across
   * restarts (the app's host toggle), or null to turn it off.
   */
  fileHashCache?: FileHashCache | null
  /**
   * How long a resume waits for a live upload that holds the same partial (usually the client's previous
   * connection, dropped but not yet noticed) before it gets a private temp file. Default 2000 ms.
   */
  resumeWaitMs?: number
}

export interface LocalContext {
  share: ShareRoot
  uploads: UploadStore
  syncGate: SyncGate
  smallFiles: SmallFileCache | undefined
  fileHashes: FileHashCache | undefined
  groupSync: GroupSync
  /** Per-folder (and per-name) locks: placing files, mkdir, rename and delete under one folder are serialized. */
  locks: KeyedMutex
}
