// Test kit for S3Store against a real S3 store (scripts/ceph-s3/start, or any endpoint in FERRY_S3_*): a fresh
// bucket per test, emptied and removed afterwards.
import { randomBytes } from 'node:crypto'
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3'
import { createS3Client } from './s3-client'
import { s3OptionsFromEnv, type S3StoreOptions } from './s3-config'
import { S3Store } from './s3-store'
import type { StoreFixture } from '../conformance/conformance-kit'

/** Why the S3 tests skip, or null when an endpoint is configured. */
export const S3_SKIP_REASON = process.env['FERRY_S3_ENDPOINT']
  ? null
  : 'FERRY_S3_ENDPOINT is not set; run `node scripts/with-ceph.mjs npx vitest run main/store` (root installs Ceph)'

export interface TestBucket {
  bucket: string
  /** Raw client, for looking behind the store's back. */
  client: S3Client
  options(overrides?: Partial<S3StoreOptions>): S3StoreOptions
  cleanup(): Promise<void>
}

export async function createTestBucket(): Promise<TestBucket> {
  const bucket = `ferry-test-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`
  const options = (overrides: Partial<S3StoreOptions> = {}): S3StoreOptions =>
    s3OptionsFromEnv(process.env, { bucket, ...overrides })
  const client = createS3Client(options())
  await client.send(new CreateBucketCommand({ Bucket: bucket }))
  return { bucket, client, options, cleanup: () => removeBucket(client, bucket) }
}

async function removeBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    for (;;) {
      const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }))
      for (const u of uploads.Uploads ?? []) {
        await client.send(
          new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }),
        )
      }
      if (!uploads.IsTruncated) break
    }
    for (;;) {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }))
      const objects = (page.Contents ?? []).map((o) => ({ Key: o.Key }))
      if (objects.length === 0) break
      await client.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }),
      )
    }
    await client.send(new DeleteBucketCommand({ Bucket: bucket }))
  } finally {
    client.destroy()
  }
}

/** A conformance fixture: an S3Store (and "another server") over a fresh bucket. */
export async function s3Fixture(overrides: Partial<S3StoreOptions> = {}): Promise<StoreFixture> {
  const bucket = await createTestBucket()
  const store = new S3Store(bucket.options(overrides))
  return {
    store,
    another: () => Promise.resolve(new S3Store(bucket.options(overrides))),
    cleanup: async () => {
      await store.close()
      await bucket.cleanup()
    },
  }
}

/** Parts recorded for the one staged upload in the bucket (0 while there is none), read behind the store's back. */
export async function recordedParts(bucket: TestBucket): Promise<number> {
  const listed = await bucket.client.send(
    new ListObjectsV2Command({ Bucket: bucket.bucket, Prefix: '.ferry/staged/' }),
  )
  const record = listed.Contents?.find((o) => o.Key?.endsWith('.json'))
  if (!record?.Key) return 0
  const got = await bucket.client.send(new GetObjectCommand({ Bucket: bucket.bucket, Key: record.Key }))
  return (JSON.parse(await got.Body!.transformToString()) as { parts: unknown[] }).parts.length
}
