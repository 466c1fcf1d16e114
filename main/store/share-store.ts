// The one interface the server will use to reach a share, whatever backs it: today's folder (LocalStore) or a
// bucket on a distributed store (S3Store), so several Ferry servers can serve one share. Types only.
//
// Paths are wire paths (main/protocol/paths.ts): '' is the share's root, segments joined by '/', validated and
// refused (PATH_INVALID), never rewritten. Names a store cannot hold are PATH_INVALID too.
//
// Errors: every method rejects with a FerryError carrying a stable code from main/protocol/error-codes.ts, never a
// raw errno or SDK error, so the server can send it on as it is. The codes each method uses are listed below;
// on top of those, any method may reject with:
//   STORE_UNAVAILABLE  the store cannot be reached (connection refused or reset, timeout, 5xx, missing bucket)
//   AUTH_FAILED        the store refused the credentials (the message never contains the secret)
//   PERMISSION_DENIED  the store refused this request for these credentials
//   INTERNAL           anything else, with the store's own error name in the message
// A FerryError's `cause` may hold the underlying error for logs; only `code` and `message` go on the wire.
import type { Readable } from 'node:stream'
import type { FerryError } from '../protocol/error-codes'
import type { OverwriteMode } from '../protocol/messages'

export type StoreEntryType = 'file' | 'dir'

/** One entry of a folder, as LIST sends it. */
export interface StoreEntry {
  name: string
  type: StoreEntryType
  /** Bytes of a file; 0 for a folder. */
  size: number
  /** Last change; 0 where the store keeps no date (a folder that exists only as a key prefix in S3). */
  mtimeMs: number
}

export interface StoreStat extends StoreEntry {
  /** The wire path that was asked for. */
  path: string
  /** The whole file's SHA-256 (hex) when the store keeps it; absent for files other tools wrote. */
  sha256?: string
}

export interface ReadRange {
  /** First byte (default 0); may equal the size (an empty read), not exceed it (OFFSET_INVALID). */
  offset?: number
  /** Bytes to read (default: to the end); shortened at the end of the file. */
  length?: number
}

export interface StoreRead {
  /** The file as it was when the read started (size is the whole file's). */
  stat: StoreStat
  offset: number
  length: number
  /** The bytes; destroy it to stop early. Errors on it are FerryErrors too (STORE_UNAVAILABLE mid-read). */
  body: Readable
  /**
   * Optional: hands back a chunk of `body` whose bytes nobody needs any more (the socket has sent them), so the
   * store may reuse its memory for a later chunk instead of allocating (LocalStore reads into a small pool).
   */
  release?(chunk: Buffer): void
}

/** A whole small file, as the optional synchronous fast path (ShareStore.readSmallSync) returns it. */
export interface SmallFileRead {
  data: Buffer
  /** SHA-256 (hex) of `data`. */
  sha256: string
  mtimeMs: number
}

export interface StageOptions {
  /** Exact size of the whole file; more bytes are SIZE_MISMATCH. */
  size: number
  /**
   * Names this upload across retries and servers: the server's upload identity (the file's SHA-256 for an
   * up-front PUT, the client's uploadKey for a streamed one). Equal (path, size, key) address the same staged
   * bytes, from any server over the same store.
   */
  key: string
  /** Continue from the bytes already staged under this key; false (default) starts over and drops them. */
  resume?: boolean
  /**
   * False when nothing will ever resume this upload (a streamed PUT without a key): a store may then stage it
   * privately, away from resumable uploads. Its caller drops it with abandon({ discard: true }). Default true.
   */
  resumable?: boolean
  /**
   * Called when stage() waits for another writer of the same staged upload to let go (a resume arriving before
   * the previous connection's end was noticed), so the server can log it. Optional for stores.
   */
  onWait?: () => void
}

export interface CommitResult {
  /** Where the file landed: the path asked for, or a numbered name in 'rename' mode. */
  path: string
  size: number
  sha256: string
}

/**
 * An upload in progress, invisible to list/stat/read until commit. What has been staged survives a dropped
 * connection and a restarted or different server: stage() again with the same key and resume: true continues
 * from `offset`. A store may keep only part of what was written (S3 keeps whole parts), so `offset` can be less
 * than what a previous attempt sent; `prefixSha256` lets the client check those bytes are its own.
 */
export interface StagedWrite {
  readonly path: string
  readonly size: number
  /** Bytes already staged when this write was opened. */
  readonly offset: number
  /** SHA-256 (hex) of those `offset` bytes; undefined when offset is 0. */
  readonly prefixSha256: string | undefined
  /**
   * Appends bytes; await each call before the next (it resolves when the store can take more). The store may
   * keep a reference to `chunk` until it is written: do not change it afterwards.
   */
  write(chunk: Uint8Array): Promise<void>
  /**
   * Verifies the size (SIZE_MISMATCH) and the whole file's SHA-256 (CHECKSUM_MISMATCH), both of which also drop
   * the staged bytes, then makes the file visible at once and whole: 'overwrite' replaces a file, 'fail' refuses
   * an existing name (EXISTS), 'rename' takes the first free "name (n).ext". NOT_FOUND when the folder is gone,
   * IS_A_DIRECTORY when a folder has the name; after those, what the store had staged stays for another
   * stage() with resume (S3 keeps nothing for a file that fits in one part: it is sent again).
   */
  commit(sha256: string, mode: OverwriteMode): Promise<CommitResult>
  /** Stops writing; keeps what is staged for a resume unless `discard`. Never rejects. */
  abandon(options?: { discard?: boolean }): Promise<void>
}

/** One file for ShareStore.putFiles: its whole content, whose SHA-256 the caller has already verified. */
export interface SmallFile {
  path: string
  data: Uint8Array
  sha256: string
}

export type PutFileResult =
  { ok: true; path: string; size: number; sha256: string; existed?: true } | { ok: false; error: FerryError }

export interface PutFilesOptions {
  mode: OverwriteMode
  /** A file already there with the same bytes is left as it is and reported with existed: true. */
  skipIdentical?: boolean
  /**
   * Admits bytes before they are written (the server's quota): called once with the total of the files to
   * write; when that rejects, once per file in order, and a file refused fails with that error.
   */
  admit?: (bytes: number) => Promise<void>
}

export interface SweepResult {
  /** Staged uploads removed because nobody touched them for the given time. */
  stagedRemoved: number
}

export interface ShareStore {
  /** For logs: 'local', 's3'. */
  readonly kind: string
  /** Where the share lives, for logs and the host view: a folder's real path, or s3://bucket/prefix. */
  readonly location: string
  /** Reaches the store once (startup): STORE_UNAVAILABLE, AUTH_FAILED, PERMISSION_DENIED. */
  check(): Promise<void>
  /** A folder's entries in name order (UTF-16 code units, as LIST sends them), without names the wire refuses. */
  list(path: string): Promise<StoreEntry[]> // NOT_FOUND, NOT_A_DIRECTORY
  stat(path: string): Promise<StoreStat> // NOT_FOUND
  read(path: string, range?: ReadRange): Promise<StoreRead> // NOT_FOUND, IS_A_DIRECTORY, OFFSET_INVALID
  /**
   * Optional fast path for many small GETs (LocalStore: synchronous fs calls and a small-file cache, no event-loop
   * round trip): the whole file with its SHA-256, or null when the store cannot serve this path that way now (too
   * large, calls have become slow); the caller then uses read(). Throws what read() rejects with.
   */
  readSmallSync?(path: string): SmallFileRead | null
  /**
   * Optional: the caller hashed every byte of `read`, which ran from offset 0 to the end of the file, and got
   * `sha256`. A store that remembers hashes (LocalStore's file-hash-cache) may then offer it as stat.sha256 on later
   * reads of the unchanged file, so a repeated or resumed GET is not hashed again.
   */
  rememberSha256?(read: StoreRead, sha256: string): void
  /** Opens (or resumes) a staged upload; the folder must exist. */
  stage(path: string, options: StageOptions): Promise<StagedWrite> // NOT_FOUND, IS_A_DIRECTORY, PATH_INVALID
  /** EXISTS when the name is taken; NOT_FOUND for a missing parent unless `parents`. */
  mkdir(path: string, options?: { parents?: boolean }): Promise<void> // NOT_A_DIRECTORY
  /** A file, an empty folder, or with `recursive` a folder and everything in it. Never the root. */
  delete(path: string, options?: { recursive?: boolean }): Promise<void> // NOT_FOUND, NOT_EMPTY
  /**
   * Moves a file or folder; 'fail' (default) refuses an existing target, 'overwrite' replaces a file by a file
   * or an empty folder by a folder. A store that cannot move atomically (S3: copy, then delete) loses nothing
   * when it stops halfway and says in the error what is where.
   */
  rename(from: string, to: string, options?: { mode?: 'fail' | 'overwrite' }): Promise<void> // NOT_FOUND, EXISTS, NOT_EMPTY, IS_A_DIRECTORY, NOT_A_DIRECTORY, INVALID_ARGUMENT
  /**
   * OPTIONAL capability: many small files at once, each placed as stage/write/commit would place it and each
   * succeeding or failing on its own (a result per file, in order), but made durable together: a folder does it
   * with two group syncs instead of an fsync per file. Resolves once every placed file is durable. A store whose
   * every commit is cheap and durable (S3Store) leaves it out; callers then stage each file.
   */
  putFiles?(files: readonly SmallFile[], options: PutFilesOptions): Promise<PutFileResult[]> // per file: NOT_FOUND, NOT_A_DIRECTORY, IS_A_DIRECTORY, EXISTS, PATH_INVALID, NO_SPACE
  /** Bytes the share holds, staged uploads included (for the quota). */
  usage(): Promise<number>
  /** Removes staged uploads untouched for `olderThanMs` (abandoned by clients that never came back). */
  sweep(olderThanMs: number): Promise<SweepResult>
  /** Releases connections; the store is not used afterwards. */
  close(): Promise<void>
}
