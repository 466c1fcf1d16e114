// --store forms: folders stay folders, s3:// needs a bucket, an endpoint and the AWS_* credentials, and nothing
// it says ever quotes the secret.
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { FerryError } from '../protocol/error-codes'
import { UsageError } from './errors'
import { parseStoreOption, type StoreFlags } from './store-option'

const CWD = path.resolve('/work/here')
const SECRET = 'wJalrXUtnFEMI-store-option-secret'
const ENV = { AWS_ACCESS_KEY_ID: 'AKID1', AWS_SECRET_ACCESS_KEY: SECRET }
const flags = (over: Partial<StoreFlags>): StoreFlags => ({
  root: './ferry-share',
  rootGiven: false,
  ...over,
})

function usage(f: StoreFlags, env: NodeJS.ProcessEnv = ENV): string {
  try {
    parseStoreOption(f, CWD, env)
  } catch (err: unknown) {
    expect(err).toBeInstanceOf(UsageError)
    expect((err as FerryError).code).toBe('INVALID_ARGUMENT')
    expect((err as Error).message).not.toContain(SECRET)
    return (err as Error).message
  }
  throw new Error('expected a usage error')
}

describe('parseStoreOption', () => {
  it("keeps today's folder share when --store is absent, a path or file:", () => {
    expect(parseStoreOption(flags({}), CWD, ENV)).toEqual({
      kind: 'folder',
      root: path.join(CWD, 'ferry-share'),
    })
    expect(parseStoreOption(flags({ store: 'share' }), CWD, ENV)).toEqual({
      kind: 'folder',
      root: path.join(CWD, 'share'),
    })
    expect(parseStoreOption(flags({ store: 'file:/srv/a' }), CWD, ENV)).toEqual({
      kind: 'folder',
      root: '/srv/a',
    })
    expect(parseStoreOption(flags({ store: 'file:///srv/b' }), CWD, ENV)).toEqual({
      kind: 'folder',
      root: '/srv/b',
    })
  })

  it('reads s3://BUCKET/PREFIX with the endpoint, region and the credentials from the environment', () => {
    const choice = parseStoreOption(
      flags({ store: 's3://team-files/shared/docs/', s3Endpoint: 'http://10.0.0.5:7480/', s3Region: 'eu-1' }),
      CWD,
      ENV,
    )
    expect(choice).toEqual({
      kind: 's3',
      location: 's3://team-files/shared/docs',
      options: {
        endpoint: 'http://10.0.0.5:7480',
        bucket: 'team-files',
        prefix: 'shared/docs',
        region: 'eu-1',
        accessKeyId: 'AKID1',
        secretAccessKey: SECRET,
      },
    })
    const whole = parseStoreOption(flags({ store: 's3://b1b', s3Endpoint: 'https://s3.example' }), CWD, ENV)
    expect(whole).toMatchObject({ location: 's3://b1b', options: { endpoint: 'https://s3.example' } })
    expect(whole.kind === 's3' && 'prefix' in whole.options).toBe(false)
  })

  it('refuses bad forms with a usage error that says what to do', () => {
    const endpoint = 'http://127.0.0.1:7480'
    expect(usage(flags({ store: 's3://', s3Endpoint: endpoint }))).toMatch(/needs a bucket/)
    expect(usage(flags({ store: 's3:///prefix', s3Endpoint: endpoint }))).toMatch(/needs a bucket/)
    expect(usage(flags({ store: 's3:bucket', s3Endpoint: endpoint }))).toMatch(/s3:\/\/BUCKET/)
    expect(usage(flags({ store: 's3://no', s3Endpoint: endpoint }))).toMatch(/not a bucket name/)
    expect(usage(flags({ store: 's3://bkt/a/../b', s3Endpoint: endpoint }))).toMatch(/not a valid folder/)
    expect(usage(flags({ store: 'gs://bkt', s3Endpoint: endpoint }))).toMatch(/unknown scheme "gs:"/)
    expect(usage(flags({ store: 's3://bkt' }))).toMatch(/needs --s3-endpoint/)
    expect(usage(flags({ store: 's3://bkt', s3Endpoint: 'ftp://x' }))).toMatch(/http:\/\/ or https:\/\//)
    expect(usage(flags({ store: 's3://bkt', s3Endpoint: 'not a url' }))).toMatch(/must be a URL/)
    expect(usage(flags({ store: 's3://bkt', s3Endpoint: `http://AKID1:${SECRET}@h:1` }))).toMatch(
      /must not carry credentials/,
    )
    expect(usage(flags({ store: 's3://bkt', s3Endpoint: endpoint }), {})).toMatch(
      /set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    )
    expect(usage(flags({ store: 's3://bkt', s3Endpoint: endpoint }), { AWS_ACCESS_KEY_ID: 'x' })).toMatch(
      /set AWS_SECRET_ACCESS_KEY$/,
    )
    expect(usage(flags({ store: 's3://bkt', s3Endpoint: endpoint, rootGiven: true }))).toMatch(
      /either --root/,
    )
    expect(usage(flags({ store: '/srv', rootGiven: true }))).toMatch(/either --root/)
    expect(usage(flags({ s3Endpoint: endpoint }))).toMatch(/need --store s3:\/\//)
    expect(usage(flags({ store: 'file:' }))).toMatch(/needs a folder/)
  })
})
