// Helpers of the ShareStore conformance suite (conformance.ts): writing and reading whole files through the
// interface, and asserting error codes.
import { expect } from 'vitest'
import { FerryError, type ErrorCode } from '../../protocol/error-codes'
import type { OverwriteMode } from '../../protocol/messages'
import type { CommitResult, ReadRange, ShareStore } from '../share-store'
import { pattern, sha256 } from '../../testing/test-bytes'

/** What a suite needs from the store under test. */
export interface StoreFixture {
  store: ShareStore
  /** A second store over the same data, as another server would open it. */
  another(): Promise<ShareStore>
  /** Removes everything the fixture made (stores, bucket or folder). */
  cleanup(): Promise<void>
}

export interface ConformanceOptions {
  /** The store keeps staged bytes in units of this size (S3: the part size; a folder: 1). */
  resumeUnitBytes: number
}

export { pattern, sha256 }

/** Stages `data` in chunks and commits it. */
export async function putFile(
  store: ShareStore,
  path: string,
  data: Uint8Array,
  mode: OverwriteMode = 'fail',
): Promise<CommitResult> {
  const staged = await store.stage(path, { size: data.length, key: `test:${sha256(data)}` })
  for (let at = 0; at < data.length; at += 1024 * 1024) {
    await staged.write(data.subarray(at, Math.min(data.length, at + 1024 * 1024)))
  }
  return staged.commit(sha256(data), mode)
}

export async function putText(store: ShareStore, path: string, text: string): Promise<CommitResult> {
  return putFile(store, path, Buffer.from(text, 'utf8'))
}

export async function readAll(store: ShareStore, path: string, range?: ReadRange): Promise<Buffer> {
  const read = await store.read(path, range)
  const chunks: Buffer[] = []
  for await (const chunk of read.body) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** Expects a FerryError with this code; returns it for more checks. */
export async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<FerryError> {
  const error: unknown = await promise.then(
    () => null,
    (err: unknown) => err,
  )
  expect(error, `expected ${code}`).toBeInstanceOf(FerryError)
  expect((error as FerryError).code, (error as FerryError).message).toBe(code)
  return error as FerryError
}

export async function names(store: ShareStore, path: string): Promise<string[]> {
  return (await store.list(path)).map((e) => `${e.name}${e.type === 'dir' ? '/' : ''}`)
}
