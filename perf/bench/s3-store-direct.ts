// An S3Store driven directly in this process, without the server or the protocol: a file's bytes fed to a staged
// write as the server feeds an upload (64 KiB chunks, then commit with the SHA-256 the client sent), and a whole
// read streamed to a file. It shows what the store alone can do, so a gap between it and the SDK is the store's
// and a gap between it and the Ferry server is the server's.
import { createReadStream, createWriteStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import type { S3Store } from '../../main/store/s3/s3-store'
import type { SdkTransfer } from './s3-sdk-baseline'

const CHUNK_BYTES = 64 * 1024

/** Stages `file` as `path` (overwrite) and commits it with the known SHA-256 (the store hashes and checks it). */
export async function storeUpload(
  store: S3Store,
  file: string,
  path: string,
  size: number,
  sha256: string,
): Promise<SdkTransfer> {
  const t0 = performance.now()
  const staged = await store.stage(path, { size, key: `bench-${sha256}` })
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES })) {
      await staged.write(chunk as Buffer)
    }
    const done = await staged.commit(sha256, 'overwrite')
    return { bytes: done.size, ms: performance.now() - t0, sha256: done.sha256 }
  } catch (e: unknown) {
    await staged.abandon({ discard: true }).catch(() => undefined)
    throw e
  }
}

/** Reads `path` whole into `file` and fsyncs it (the store does not hash a read; Ferry's client does). */
export async function storeDownload(store: S3Store, path: string, file: string): Promise<SdkTransfer> {
  const t0 = performance.now()
  const read = await store.read(path)
  await pipeline(read.body, createWriteStream(file))
  const handle = await open(file, 'r+')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
  return { bytes: read.length, ms: performance.now() - t0, sha256: read.stat.sha256 ?? '' }
}
