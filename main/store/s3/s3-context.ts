// What every S3 helper shares: the client, the bucket, the key space and the error mapping.
import type { S3Client } from '@aws-sdk/client-s3'
import type { FerryError } from '../../protocol/error-codes'
import type { KeySpace } from './s3-keys'

export interface S3Context {
  readonly client: S3Client
  readonly bucket: string
  readonly keys: KeySpace
  /** Bytes per multipart part. */
  readonly partSize: number
  /** Objects larger than this are copied in parts. */
  readonly copyThreshold: number
  /** Maps a failed call about `what` to a FerryError (see s3-errors.ts). */
  fail(err: unknown, what: string): FerryError
}

/** Metadata key (x-amz-meta-ferry-sha256) holding a file's whole SHA-256, set when Ferry places it. */
export const SHA256_META = 'ferry-sha256'

/** S3's floor for every part but the last. */
export const MIN_PART_BYTES = 5 * 1024 * 1024
export const DEFAULT_PART_BYTES = 8 * 1024 * 1024
/**
 * Parts of one staged upload going up at once. One UploadPart at a time ran at ~20-30 MB/s against a local Ceph
 * gateway (each part waits out the gateway's write to RADOS); four keep its pipe full as the SDK's own multipart
 * uploader does (its default queue is four). Memory per upload is (this + 1) x the part size.
 */
export const PARTS_IN_FLIGHT = 4
/** S3's limit for one CopyObject. */
export const MAX_COPY_BYTES = 5 * 1024 ** 3
/** S3's limit on parts per upload. */
export const MAX_PARTS = 10_000
