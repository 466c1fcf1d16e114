// The AWS SDK alone against the S3 store, doing the work Ferry does for the same file: a multipart PUT from a file
// on disk (SHA-256 of every byte read, as Ferry's client computes it) and a GetObject streamed to a file (SHA-256 of
// every byte received, then fsync, as Ferry's client verifies and syncs a download). This is the ceiling a Ferry
// server over an S3Store is measured against.
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3'
import { FerryError } from '../../main/protocol/error-codes'

export interface SdkTransfer {
  bytes: number
  ms: number
  sha256: string
}

export interface SdkUploadOptions {
  partBytes: number
  /** Parts in the air at once; memory is about partBytes x (partsInFlight + 1). */
  partsInFlight: number
  signal?: AbortSignal
}

/**
 * CreateMultipartUpload, UploadPart x N (at most `partsInFlight` at a time, each from its own buffer read in order
 * and hashed as read) and CompleteMultipartUpload: the SDK's own multipart, without Ferry's records or placing.
 */
export async function sdkUpload(
  client: S3Client,
  bucket: string,
  key: string,
  file: string,
  options: SdkUploadOptions,
): Promise<SdkTransfer> {
  const t0 = performance.now()
  const handle = await open(file, 'r')
  const hash = createHash('sha256')
  const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))
  const uploadId = created.UploadId
  if (!uploadId) throw new FerryError('INTERNAL', 'bench: the S3 store returned no upload id')
  const parts: CompletedPart[] = []
  const inFlight = new Set<Promise<void>>()
  let bytes = 0
  try {
    for (let number = 1; ; number++) {
      const buffer = Buffer.allocUnsafe(options.partBytes)
      const { bytesRead } = await readFull(handle, buffer)
      if (bytesRead === 0) break
      const body = buffer.subarray(0, bytesRead)
      hash.update(body)
      bytes += bytesRead
      const sent = client
        .send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: number,
            Body: body,
            ContentLength: body.length,
          }),
          { abortSignal: options.signal },
        )
        .then((r) => {
          parts.push({ PartNumber: number, ETag: r.ETag })
        })
      const tracked: Promise<void> = sent.finally(() => inFlight.delete(tracked))
      inFlight.add(tracked)
      if (inFlight.size >= options.partsInFlight) await Promise.race(inFlight)
      if (bytesRead < buffer.length) break
    }
    await Promise.all(inFlight)
    parts.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0))
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    )
  } catch (e: unknown) {
    await Promise.allSettled(inFlight)
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
      .catch(() => undefined) // the bucket is removed after the bench anyway
    throw e
  } finally {
    await handle.close()
  }
  return { bytes, ms: performance.now() - t0, sha256: hash.digest('hex') }
}

/** One GetObject streamed through SHA-256 into `file`, fsynced: what a verified download to disk costs. */
export async function sdkDownload(
  client: S3Client,
  bucket: string,
  key: string,
  file: string,
  signal?: AbortSignal,
): Promise<SdkTransfer> {
  const t0 = performance.now()
  const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal })
  if (!(got.Body instanceof Readable)) throw new FerryError('INTERNAL', 'bench: the S3 body is not a stream')
  const hash = createHash('sha256')
  let bytes = 0
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk)
      bytes += chunk.length
      done(null, chunk)
    },
  })
  const out = createWriteStream(file)
  await pipeline(got.Body, hashing, out, { signal })
  const handle = await open(file, 'r+')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
  return { bytes, ms: performance.now() - t0, sha256: hash.digest('hex') }
}

/** Reads until `buffer` is full or the file ends (a single read may return less). */
async function readFull(
  handle: Awaited<ReturnType<typeof open>>,
  buffer: Buffer,
): Promise<{ bytesRead: number }> {
  let at = 0
  while (at < buffer.length) {
    const { bytesRead } = await handle.read(buffer, at, buffer.length - at, null)
    if (bytesRead === 0) break
    at += bytesRead
  }
  return { bytesRead: at }
}
