// Hosting an S3 bucket through the service, as the Host view does: the form is validated without echoing the
// secret, an unreachable store or wrong credentials come back as one error with nothing served, and a real
// bucket (the shared Ceph, when there is one) is hosted and listed. The secret key never leaves the back end:
// not in errors, events, status or the settings file.
import { randomBytes } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { HostEvent, HostS3Options, HostStatus, RemoteEntry } from '../../preload/api'
import { createTestBucket, S3_SKIP_REASON, type TestBucket } from '../store/s3/s3-test-kit'
import { failure, kitsPerTest, value, type Kit } from './service-test-kit'
import { closedPort } from '../testing/closed-port'

const FAKE_SECRET = `fake-secret-${randomBytes(8).toString('hex')}`
const makeKit = kitsPerTest()

/** Every host event of the kit, to check none carries the secret. */
function recordHostEvents(kit: Kit): HostEvent[] {
  const events: HostEvent[] = []
  kit.service.events.on('host', (e) => void events.push(e))
  return events
}

/** Every file under the kit's data folder, as text (settings, identity, journal). */
async function dataText(kit: Kit): Promise<string> {
  const dir = join(kit.dir, 'data')
  const names = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  const texts = await Promise.all(
    names.filter((d) => d.isFile()).map((d) => readFile(join(d.parentPath, d.name), 'utf8')),
  )
  return texts.join('\n')
}

function startS3(kit: Kit, s3: HostS3Options, extra: { readOnly?: boolean } = {}) {
  return kit.service.handlers.startHost({ port: 0, bindAll: false, s3, ...extra })
}

describe('hosting an S3 bucket: validation and failures', () => {
  it('refuses a form that is neither or both, or malformed, without echoing the secret', async () => {
    const kit = await makeKit()
    const s3 = {
      endpoint: 'http://127.0.0.1:1',
      bucket: 'bkt',
      accessKeyId: 'AK',
      secretAccessKey: FAKE_SECRET,
    }
    const neither = failure(await kit.service.handlers.startHost({ port: 0, bindAll: false }))
    expect(neither).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/one of the two/),
    })
    const both = failure(await kit.service.handlers.startHost({ port: 0, bindAll: false, root: kit.dir, s3 }))
    expect(both.code).toBe('INVALID_ARGUMENT')
    const cases: Array<[Partial<HostS3Options> & Record<string, unknown>, RegExp]> = [
      [{ endpoint: 'ftp://x' }, /s3\.endpoint: must be an http/],
      [{ endpoint: `http://AK:${FAKE_SECRET}@h:1` }, /s3\.endpoint: must be an http/],
      [{ bucket: 'x' }, /s3\.bucket: not a bucket name/],
      [{ prefix: 'a/../b' }, /s3\.prefix: not a valid folder/],
      [{ accessKeyId: '' }, /s3\.accessKeyId: enter the access key id/],
      [{ secretAccessKey: FAKE_SECRET.repeat(100) }, /s3\.secretAccessKey/],
      [{ sessionToken: FAKE_SECRET }, /Unrecognized key/],
    ]
    for (const [patch, message] of cases) {
      const error = failure(await startS3(kit, { ...s3, ...patch }))
      expect(error.code).toBe('INVALID_ARGUMENT')
      expect(error.message).toMatch(message)
      expect(error.message).not.toContain(FAKE_SECRET)
    }
  })

  it('an unreachable store: STORE_UNAVAILABLE naming the endpoint, nothing served, the secret nowhere', async () => {
    const kit = await makeKit()
    const events = recordHostEvents(kit)
    const endpoint = `http://127.0.0.1:${await closedPort()}`
    const form = { endpoint, bucket: 'some-bucket', accessKeyId: 'AK', secretAccessKey: FAKE_SECRET }
    const error = failure(await startS3(kit, form))
    expect(error.code).toBe('STORE_UNAVAILABLE')
    expect(error.message).toContain(endpoint)
    expect(error.message).not.toContain(FAKE_SECRET)
    expect(value(await kit.service.handlers.getHostStatus())).toMatchObject({ running: false })
    expect(value(await kit.service.handlers.getHostSettings())).toBeNull()
    expect(JSON.stringify(events)).not.toContain(FAKE_SECRET)
    // A secret that did not work is not kept: an empty field now asks for one.
    const again = failure(await startS3(kit, { ...form, secretAccessKey: '' }))
    expect(again).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/enter the secret/),
    })
  })
})

const suite =
  S3_SKIP_REASON === null
    ? 'hosting an S3 bucket on the shared S3 store'
    : `hosting an S3 bucket on the shared S3 store (skipped: ${S3_SKIP_REASON})`

describe.skipIf(S3_SKIP_REASON !== null)(suite, () => {
  const endpoint = process.env['FERRY_S3_ENDPOINT'] ?? ''
  const accessKeyId = process.env['FERRY_S3_ACCESS_KEY'] ?? ''
  const secret = process.env['FERRY_S3_SECRET_KEY'] ?? ''
  let bucket: TestBucket
  beforeEach(async () => {
    bucket = await createTestBucket()
  })
  afterEach(async () => {
    await bucket.cleanup()
  })

  it('wrong credentials: AUTH_FAILED or PERMISSION_DENIED, without the secret, nothing served', async () => {
    const kit = await makeKit()
    const error = failure(
      await startS3(kit, { endpoint, bucket: bucket.bucket, accessKeyId, secretAccessKey: FAKE_SECRET }),
    )
    expect(['AUTH_FAILED', 'PERMISSION_DENIED']).toContain(error.code)
    expect(error.message).toContain(endpoint)
    expect(error.message).not.toContain(FAKE_SECRET)
    expect(value(await kit.service.handlers.getHostStatus())).toMatchObject({ running: false })
  })

  it('hosts the bucket, shows s3://bucket/prefix, serves its files; the secret is kept only in memory', async () => {
    const kit = await makeKit()
    const events = recordHostEvents(kit)
    await bucket.client.send(
      new PutObjectCommand({ Bucket: bucket.bucket, Key: 'team/hello.txt', Body: 'hello from S3' }),
    )
    const form = { endpoint, bucket: bucket.bucket, prefix: '/team/', accessKeyId, secretAccessKey: secret }
    const status = value(await startS3(kit, form, { readOnly: true })) as HostStatus
    expect(status).toMatchObject({ running: true, root: `s3://${bucket.bucket}/team`, readOnly: true })

    value(await kit.service.handlers.connect({ host: '127.0.0.1', port: status.port ?? 0 }))
    const listed = value(await kit.service.handlers.listRemote('')) as RemoteEntry[]
    expect(listed.map((e) => [e.name, e.type, e.size])).toEqual([['hello.txt', 'file', 13]])
    value(await kit.service.handlers.disconnect())

    // Stopped and started again in the same session with the secret field empty: the back end still has it.
    value(await kit.service.handlers.stopHost())
    const again = value(await startS3(kit, { ...form, secretAccessKey: '' })) as HostStatus
    expect(again).toMatchObject({ running: true, root: `s3://${bucket.bucket}/team` })
    value(await kit.service.handlers.stopHost())

    expect(JSON.stringify(events)).not.toContain(secret)
    expect(JSON.stringify(again)).not.toContain(secret)
    expect(await dataText(kit)).not.toContain(secret)
  })
})
