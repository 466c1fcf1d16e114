// The web API over an S3Store against a real S3 endpoint (the shared Ceph: FERRY_S3_*): browse, Range download,
// and the resumable upload cut mid-chunk and resumed, also across servers (S3 keeps whole parts only, so the
// store's offset may be lower than what was sent; the prefix hash proves those bytes are the client's).
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestBucket, S3_SKIP_REASON, type TestBucket } from '../store/s3/s3-test-kit'
import { S3Store } from '../store/s3/s3-store'
import { cutAndResume, resumeAcrossServers } from './web-upload-scenarios'
import { startWebFixture, type WebFixture } from './web-test-kit'

const PART = 5 * 1024 * 1024

describe.skipIf(S3_SKIP_REASON !== null)(`web API over S3 ${S3_SKIP_REASON ?? ''}`, () => {
  let bucket: TestBucket
  let f: WebFixture
  beforeEach(async () => {
    bucket = await createTestBucket()
    f = await startWebFixture({ store: new S3Store(bucket.options({ partSizeBytes: PART })) })
  })
  afterEach(async () => {
    await f.close()
    await bucket.cleanup()
  })

  it('lists and serves ranges of an object', async () => {
    const data = randomBytes(10_000)
    await bucket.client.send(new PutObjectCommand({ Bucket: bucket.bucket, Key: 'docs/a.bin', Body: data }))
    const list = (await (await f.api('GET', '/api/list/docs')).json()) as { entries: { name: string }[] }
    expect(list.entries.map((e) => e.name)).toEqual(['a.bin'])
    const part = await f.api('GET', '/api/file/docs/a.bin', { headers: { Range: 'bytes=100-199' } })
    expect(part.status).toBe(206)
    expect(Buffer.from(await part.arrayBuffer())).toEqual(data.subarray(100, 200))
    const bad = await f.api('GET', '/api/file/docs/a.bin', { headers: { Range: 'bytes=20000-' } })
    expect(bad.status).toBe(416)
  })

  it('a cut upload resumes to identical bytes, invisible until finished', async () => {
    await cutAndResume(f, PART + 300_000, 1024 * 1024)
  }, 60_000)

  it('resumes on a new server from the parts the bucket kept', async () => {
    await resumeAcrossServers(f, PART + 500_000, 1024 * 1024, PART + 200_000)
  }, 60_000)
})
