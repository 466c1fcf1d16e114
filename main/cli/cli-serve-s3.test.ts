// `ferry serve --store s3://...` as a real child process: bad forms, an unreachable store and wrong credentials
// stop it with one line and the right exit code before anything listens; a real bucket (the shared Ceph) is
// served to `ferry put/ls/get`. The secret key is never printed, whatever happens.
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestBucket, S3_SKIP_REASON, type TestBucket } from '../store/s3/s3-test-kit'
import { EXIT_FAILED, EXIT_OK, EXIT_STORE_UNAVAILABLE, EXIT_USAGE, main } from './index'
import { captureIo, makeTempDir, spawnFerry, type FerryChild } from './test-support'
import { closedPort } from '../testing/closed-port'

/** A made-up secret nobody's store accepts; it must appear in no output. */
const FAKE_SECRET = `not-the-secret-${randomBytes(8).toString('hex')}`
const ERROR_LINE = /^ferry: [A-Z_]+: [^\n]+\n$/

let tmp: { dir: string; cleanup: () => Promise<void> }
beforeEach(async () => {
  tmp = await makeTempDir('serve-s3')
})
afterEach(async () => {
  await tmp.cleanup()
})

async function finished(run: FerryChild): Promise<{ code: number | null; out: string; err: string }> {
  const code = await run.exit
  return { code, out: run.out.text(), err: run.err.text() }
}

function expectNoSecret(text: string, secret: string): void {
  expect(text.includes(secret), 'the secret key appears in the output').toBe(false)
}

describe('ferry serve --store (spawned)', () => {
  it('--help names --store, the S3 flags, the credential variables and the exit codes', async () => {
    const io = captureIo(tmp.dir)
    expect(await main(['serve', '--help'], io)).toBe(EXIT_OK)
    const help = io.stdout.text()
    for (const text of [
      '--store <where>',
      's3://BUCKET[/PREFIX]',
      '--s3-endpoint <url>',
      '--s3-region <region>',
    ])
      expect(help).toContain(text)
    expect(help).toMatch(/AWS_ACCESS_KEY_ID and\s+AWS_SECRET_ACCESS_KEY/)
    expect(help).toMatch(/exit code is 3/)
  })

  it('refuses bad --store forms with one INVALID_ARGUMENT line and the usage exit code', async () => {
    const creds = { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: FAKE_SECRET }
    const cases: Array<[string[], Record<string, string | undefined>, RegExp]> = [
      [['--store', 's3://', '--s3-endpoint', 'http://127.0.0.1:1'], creds, /needs a bucket/],
      [['--store', 'gs://bucket'], creds, /unknown scheme "gs:"/],
      [['--store', 's3://bucket'], creds, /needs --s3-endpoint/],
      [
        ['--store', 's3://bucket', '--s3-endpoint', 'http://127.0.0.1:1'],
        { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
        /set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
      ],
    ]
    const runs = await Promise.all(
      cases.map(([args, env]) => finished(spawnFerry(['serve', '0', ...args], { cwd: tmp.dir, env }))),
    )
    runs.forEach((run, i) => {
      expect(run.code).toBe(EXIT_USAGE)
      expect(run.err).toMatch(ERROR_LINE)
      expect(run.err).toMatch(/^ferry: INVALID_ARGUMENT: /)
      expect(run.err).toMatch(cases[i]?.[2] ?? /never/)
      expect(run.out).toBe('')
      expectNoSecret(run.err, FAKE_SECRET)
    })
  })

  it('an unreachable store: exit 3, one line naming the endpoint, nothing served, no secret', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`
    const run = await finished(
      spawnFerry(['serve', '0', '--store', 's3://some-bucket/p', '--s3-endpoint', endpoint], {
        cwd: tmp.dir,
        env: { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: FAKE_SECRET },
      }),
    )
    expect(run.code).toBe(EXIT_STORE_UNAVAILABLE)
    expect(run.err).toMatch(ERROR_LINE)
    expect(run.err).toMatch(/^ferry: STORE_UNAVAILABLE: /)
    expect(run.err).toContain(endpoint)
    expect(run.out).not.toMatch(/listening on/)
    expectNoSecret(run.out + run.err, FAKE_SECRET)
  })
})

const suite =
  S3_SKIP_REASON === null
    ? 'ferry serve --store s3:// on the shared S3 store'
    : `ferry serve --store s3:// on the shared S3 store (skipped: ${S3_SKIP_REASON})`

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

  it('wrong secret key: AUTH_FAILED in one line, exit 1, the secret never printed', async () => {
    const run = await finished(
      spawnFerry(['serve', '0', '--store', `s3://${bucket.bucket}`, '--s3-endpoint', endpoint], {
        cwd: tmp.dir,
        env: { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: FAKE_SECRET },
      }),
    )
    expect(run.code).toBe(EXIT_FAILED)
    expect(run.err).toMatch(ERROR_LINE)
    expect(run.err).toMatch(/^ferry: (AUTH_FAILED|PERMISSION_DENIED): .*refused/)
    expect(run.out).not.toMatch(/listening on/)
    expectNoSecret(run.out + run.err, FAKE_SECRET)
  })

  it('serves the bucket: put, ls and get through the real CLI, the secret never printed', async () => {
    const local = path.join(tmp.dir, 'local')
    await mkdir(local)
    const data = randomBytes(300_000)
    await writeFile(path.join(local, 'blob.bin'), data)
    const server = spawnFerry(
      [
        'serve',
        '0',
        '--store',
        `s3://${bucket.bucket}/team/docs`,
        '--s3-endpoint',
        endpoint,
        '--name',
        's3box',
      ],
      { cwd: tmp.dir, env: { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secret } },
    )
    try {
      const [, port] = await server.out.waitFor(/listening on 127\.0\.0\.1:(\d+)\n/).catch((err: unknown) => {
        throw new Error(`${String(err)}; stderr: ${server.err.text()}`)
      })
      expect(server.out.text()).toContain(`ferry: sharing s3://${bucket.bucket}/team/docs at ${endpoint}\n`)
      const addr = `127.0.0.1:${port ?? ''}`
      const ferry = (...args: string[]) => finished(spawnFerry(args, { cwd: local }))

      const put = await ferry('put', addr, 'blob.bin', '--to', '/in')
      expect(put.err.split('\n').filter((l) => l.startsWith('ferry:'))).toEqual([])
      expect(put.code).toBe(0)
      const ls = await ferry('ls', addr, '/in', '--json')
      expect(ls.code).toBe(0)
      expect(JSON.parse(ls.out)).toMatchObject([{ name: 'blob.bin', type: 'file', size: data.length }])
      const get = await ferry('get', addr, '/in/blob.bin', 'copy.bin')
      expect(get.code).toBe(0)
      expect((await readFile(path.join(local, 'copy.bin'))).equals(data)).toBe(true)
    } finally {
      server.child.kill('SIGTERM')
    }
    expect(await server.exit).toBe(0)
    expectNoSecret(server.out.text() + server.err.text(), secret)
  })

  it('the other serve options work on a bucket too: --token and --read-only', async () => {
    const local = path.join(tmp.dir, 'local')
    await mkdir(local)
    await writeFile(path.join(local, 'note.txt'), 'hi')
    const server = spawnFerry(
      [
        '--token',
        'tok-123',
        'serve',
        '0',
        '--store',
        `s3://${bucket.bucket}`,
        '--s3-endpoint',
        endpoint,
        '--read-only',
      ],
      { cwd: tmp.dir, env: { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secret } },
    )
    try {
      const [, port] = await server.out.waitFor(/listening on 127\.0\.0\.1:(\d+)\n/).catch((err: unknown) => {
        throw new Error(`${String(err)}; stderr: ${server.err.text()}`)
      })
      expect(server.out.text()).toContain(`ferry: sharing s3://${bucket.bucket} at ${endpoint} (read-only)\n`)
      const addr = `127.0.0.1:${port ?? ''}`
      const ferry = (...args: string[]) =>
        finished(spawnFerry(args, { cwd: local, env: { FERRY_TOKEN: undefined } }))
      const [noToken, ls, put] = await Promise.all([
        ferry('ls', addr),
        ferry('--token', 'tok-123', 'ls', addr),
        ferry('--token', 'tok-123', 'put', addr, 'note.txt'),
      ])
      expect(noToken.err).toMatch(/ferry: AUTH_REQUIRED: /)
      expect(ls.code).toBe(0)
      expect(put.code).toBe(EXIT_FAILED)
      expect(put.err).toMatch(/ferry: READ_ONLY: /)
    } finally {
      server.child.kill('SIGTERM')
    }
    expect(await server.exit).toBe(0)
  })
})
