// S3Store against a real S3 store (Ceph's RADOS Gateway from scripts/ceph-s3/start; no mock): the shared
// conformance suite, then what is particular to S3. Each test has its own bucket. Without FERRY_S3_ENDPOINT
// everything here skips and says why.
import { inspect } from 'node:util'
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { describeShareStore } from '../conformance/conformance'
import { expectCode, names, pattern, putFile, readAll, sha256 } from '../conformance/conformance-kit'
import { MIN_PART_BYTES, PARTS_IN_FLIGHT } from './s3-context'
import { S3Store } from './s3-store'
import { createTestBucket, s3Fixture, S3_SKIP_REASON, type TestBucket } from './s3-test-kit'
import { closedPort } from '../../testing/closed-port'

const PART = MIN_PART_BYTES
const suite = S3_SKIP_REASON === null ? 'S3Store' : `S3Store (skipped: ${S3_SKIP_REASON})`

describe.skipIf(S3_SKIP_REASON !== null)(suite, () => {
  describeShareStore('S3Store', () => s3Fixture({ partSizeBytes: PART }), { resumeUnitBytes: PART })

  describe('on S3', () => {
    let bucket: TestBucket
    let store: S3Store
    beforeEach(async () => {
      bucket = await createTestBucket()
      store = new S3Store(bucket.options({ partSizeBytes: PART }))
    })
    afterEach(async () => {
      await store.close()
      await bucket.cleanup()
    })

    it('keeps one writer per staged upload in a process: a resume waits for the previous writer', async () => {
      const guarded = new S3Store(bucket.options({ partSizeBytes: PART, writerWaitMs: 5000 }))
      try {
        const data = pattern(2 * PART + 1024, 31)
        const key = `stream:${Date.now()}`
        const first = await guarded.stage('one.bin', { size: data.length, key })
        await first.write(data.subarray(0, PART + 1024))
        let waited = false
        // The previous connection lets go while the resume waits: the resume continues its parts.
        const second = guarded.stage('one.bin', {
          size: data.length,
          key,
          resume: true,
          onWait: () => (waited = true),
        })
        await new Promise((resolve) => setTimeout(resolve, 100))
        await first.abandon()
        const resumed = await second
        expect(waited).toBe(true)
        expect(resumed.offset).toBe(PART)
        await resumed.write(data.subarray(resumed.offset))
        await resumed.commit(sha256(data), 'fail')
        expect((await readAll(guarded, 'one.bin')).equals(data)).toBe(true)
      } finally {
        await guarded.close()
      }
    })

    it('stages a second live writer of the same upload privately, so both complete whole', async () => {
      const guarded = new S3Store(bucket.options({ partSizeBytes: PART, writerWaitMs: 100 }))
      try {
        const data = pattern(2 * PART + 1024, 32)
        const key = `stream:${Date.now()}`
        const first = await guarded.stage('two.bin', { size: data.length, key })
        await first.write(data.subarray(0, PART + 1024))
        // The first is still writing when the wait ends: the second gets staging of its own, from byte 0.
        const second = await guarded.stage('two.bin', { size: data.length, key, resume: true })
        expect(second.offset).toBe(0)
        await second.write(data)
        await first.write(data.subarray(PART + 1024))
        await first.commit(sha256(data), 'overwrite')
        await second.commit(sha256(data), 'overwrite')
        expect((await readAll(guarded, 'two.bin')).equals(data)).toBe(true)
        expect(await guarded.sweep(0)).toEqual({ stagedRemoved: 0 })
      } finally {
        await guarded.close()
      }
    })

    it('resumes from the parts in the store after a server dies mid-upload', async () => {
      const sent = 2 * PARTS_IN_FLIGHT + 2
      const data = pattern(sent * PART + 3 * 1024 * 1024, 21)
      const key = `stream:${Date.now()}`
      const dying = new S3Store(bucket.options({ partSizeBytes: PART }))
      const first = await dying.stage('big.bin', { size: data.length, key })
      // `sent` parts filled, 1 MiB only in memory. The last part went out only once fewer than 2 x PARTS_IN_FLIGHT
      // were unrecorded, so at least two are stored and recorded; the rest may be in the air when the process dies.
      await first.write(data.subarray(0, sent * PART + 1024 * 1024))
      await dying.close() // no abandon: the process is gone
      const resumed = await store.stage('big.bin', { size: data.length, key, resume: true })
      expect(resumed.offset % PART).toBe(0)
      expect(resumed.offset).toBeGreaterThanOrEqual(2 * PART)
      expect(resumed.offset).toBeLessThanOrEqual(sent * PART)
      expect(resumed.prefixSha256).toBe(sha256(data.subarray(0, resumed.offset)))
      await resumed.write(data.subarray(resumed.offset))
      await resumed.commit(sha256(data), 'fail')
      expect((await readAll(store, 'big.bin')).equals(data)).toBe(true)
      expect((await store.stat('big.bin')).sha256).toBe(sha256(data))
      const left = await bucket.client.send(new ListObjectsV2Command({ Bucket: bucket.bucket }))
      expect((left.Contents ?? []).map((o) => o.Key)).toEqual(['big.bin']) // no record, no hidden object
    })

    it('keeps a completed large upload whose name was taken, for a retry in another mode', async () => {
      const data = pattern(PART + 4096, 12)
      await putFile(store, 'taken.bin', Buffer.from('old'))
      const staged = await store.stage('taken.bin', { size: data.length, key: 'k' })
      await staged.write(data)
      await expectCode(staged.commit(sha256(data), 'fail'), 'EXISTS')
      const again = await store.stage('taken.bin', { size: data.length, key: 'k', resume: true })
      expect(again.offset).toBe(data.length)
      expect(again.prefixSha256).toBe(sha256(data))
      expect((await again.commit(sha256(data), 'rename')).path).toBe('taken (2).bin')
      expect((await readAll(store, 'taken (2).bin')).equals(data)).toBe(true)
      expect((await readAll(store, 'taken.bin')).toString()).toBe('old')
      const left = await bucket.client.send(new ListObjectsV2Command({ Bucket: bucket.bucket }))
      expect((left.Contents ?? []).map((o) => o.Key)).toEqual(['taken (2).bin', 'taken.bin'])
    })

    it('keeps the whole SHA-256 in the object metadata', async () => {
      const data = pattern(1000, 2)
      await putFile(store, 'meta.bin', data)
      const head = await bucket.client.send(new HeadObjectCommand({ Bucket: bucket.bucket, Key: 'meta.bin' }))
      expect(head.Metadata?.['ferry-sha256']).toBe(sha256(data))
      const read = await store.read('meta.bin', { offset: 10 })
      expect(read.stat.sha256).toBe(sha256(data))
      read.body.destroy()
    })

    it('stays inside its prefix and shows what other tools wrote, as far as the wire allows', async () => {
      const scoped = new S3Store(bucket.options({ prefix: 'tenants/one' }))
      try {
        await bucket.client.send(
          new PutObjectCommand({ Bucket: bucket.bucket, Key: 'outside.txt', Body: 'x' }),
        )
        await bucket.client.send(
          new PutObjectCommand({ Bucket: bucket.bucket, Key: 'tenants/one/foreign/a:b.txt', Body: 'colon' }),
        )
        await bucket.client.send(
          new PutObjectCommand({
            Bucket: bucket.bucket,
            Key: 'tenants/one/foreign/plain.txt',
            Body: 'plain',
          }),
        )
        await putFile(scoped, 'mine.txt', Buffer.from('mine'))
        expect(await names(scoped, '')).toEqual(['foreign/', 'mine.txt'])
        expect(await names(scoped, 'foreign')).toEqual(['plain.txt']) // 'a:b.txt' is not a valid wire name
        expect((await scoped.stat('foreign/plain.txt')).sha256).toBeUndefined()
        const got = await bucket.client.send(
          new GetObjectCommand({ Bucket: bucket.bucket, Key: 'tenants/one/mine.txt' }),
        )
        expect(await got.Body?.transformToString()).toBe('mine')
        await expectCode(scoped.stat('../outside.txt'), 'PATH_INVALID')
        const tooLong = ['x', 'y', 'z', 'w', 'v'].map((c) => c.repeat(250)).join('/') // valid on the wire, > 1 KiB
        const error = await expectCode(scoped.stat(tooLong), 'PATH_INVALID')
        expect(error.message).toContain('too long for an object key')
        await scoped.delete('foreign', { recursive: true })
        const rest = await bucket.client.send(new ListObjectsV2Command({ Bucket: bucket.bucket }))
        expect((rest.Contents ?? []).map((o) => o.Key).sort()).toEqual([
          'outside.txt',
          'tenants/one/mine.txt',
        ])
      } finally {
        await scoped.close()
      }
    })

    it('copies large objects in parts when renaming', async () => {
      const parted = new S3Store(bucket.options({ partSizeBytes: PART, copyPartThresholdBytes: PART }))
      try {
        const data = pattern(2 * PART + 777, 4)
        await putFile(parted, 'large.bin', data)
        await parted.mkdir('into')
        await parted.rename('large.bin', 'into/large.bin')
        expect((await readAll(parted, 'into/large.bin')).equals(data)).toBe(true)
        expect((await parted.stat('into/large.bin')).sha256).toBe(sha256(data))
      } finally {
        await parted.close()
      }
    })

    it('sweeps staged uploads nobody came back for', async () => {
      const data = pattern(PART + 100, 8)
      const staged = await store.stage('gone.bin', { size: data.length, key: 'k' })
      await staged.write(data) // one part in the store
      await staged.abandon()
      const withStaged = await store.usage()
      expect(withStaged).toBeGreaterThanOrEqual(PART)
      expect(await store.sweep(60_000)).toEqual({ stagedRemoved: 0 }) // still fresh
      expect(await store.sweep(0)).toEqual({ stagedRemoved: 1 })
      expect(await store.usage()).toBe(0)
      const again = await store.stage('gone.bin', { size: data.length, key: 'k', resume: true })
      expect(again.offset).toBe(0)
      await again.abandon({ discard: true })
    })

    it('says STORE_UNAVAILABLE when the store cannot be reached', async () => {
      const port = await closedPort()
      const down = new S3Store(bucket.options({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 }))
      try {
        const error = await expectCode(down.check(), 'STORE_UNAVAILABLE')
        expect(error.message).toContain('cannot be reached')
        await expectCode(down.list(''), 'STORE_UNAVAILABLE')
        await expectCode(down.stage('x', { size: 1, key: 'k' }), 'STORE_UNAVAILABLE')
      } finally {
        await down.close()
      }
    })

    it('says STORE_UNAVAILABLE for a bucket that does not exist', async () => {
      const nowhere = new S3Store(bucket.options({ bucket: `${bucket.bucket}-missing` }))
      try {
        const error = await expectCode(nowhere.check(), 'STORE_UNAVAILABLE')
        expect(error.message).toContain('does not exist')
      } finally {
        await nowhere.close()
      }
    })

    it('refuses a wrong secret clearly, without the secret anywhere in the error', async () => {
      const secret = `wrong-${'s3cr3t'.repeat(6)}`
      const denied = new S3Store(bucket.options({ secretAccessKey: secret, maxAttempts: 1 }))
      try {
        const calls = [
          () => denied.check(),
          () => denied.list(''),
          () => denied.stat('a'),
          () => denied.read('a'),
        ]
        for (const call of calls) {
          const error: unknown = await call().then(
            () => null,
            (err: unknown) => err,
          )
          expect(error).toMatchObject({ code: expect.stringMatching(/^(AUTH_FAILED|PERMISSION_DENIED)$/) })
          const text = `${String(error)} ${inspect(error, { depth: 8 })} ${JSON.stringify(error)}`
          expect(text).not.toContain(secret)
          expect(text).not.toContain(process.env['FERRY_S3_SECRET_KEY'] ?? 'unset')
        }
        const error = await expectCode(denied.check(), 'AUTH_FAILED')
        expect(error.message).toMatch(/refused the credentials.*check the access and secret key/)
        expect(`${String(denied)} ${inspect(denied)}`).not.toContain(secret)
      } finally {
        await denied.close()
      }
    })
  })
})
