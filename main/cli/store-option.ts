// `ferry serve --store`: what the share lives on. Absent, a plain path or `file:PATH` is a folder (today's --root);
// `s3://BUCKET[/PREFIX]` is a bucket of an S3-compatible store at --s3-endpoint. The S3 credentials come only from
// the standard AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY variables, never from a flag (a flag shows in `ps` and
// in shell history), and no error here ever quotes them.
import path from 'node:path'
import { isValidRelativePath } from '../protocol/paths'
import type { S3StoreOptions } from '../store/s3/s3-config'
import { UsageError } from './errors'

export const S3_ENV = {
  accessKeyId: 'AWS_ACCESS_KEY_ID',
  secretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  region: 'AWS_REGION',
} as const

export interface StoreFlags {
  store?: string
  /** The folder flag, and whether it was given on purpose (not its default). */
  root: string
  rootGiven: boolean
  s3Endpoint?: string
  s3Region?: string
}

export type ShareChoice =
  | { kind: 'folder'; root: string }
  | {
      kind: 's3'
      options: S3StoreOptions
      /** s3://bucket or s3://bucket/prefix, for the startup line. */
      location: string
    }

/** Bucket names S3 (and Ceph) accept: 3-63 letters, digits, dots, hyphens and underscores. */
const BUCKET = /^[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]$/
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):/

function folder(text: string, cwd: string): ShareChoice {
  if (text === '') throw new UsageError('--store file: needs a folder, e.g. --store file:/srv/share')
  return { kind: 'folder', root: path.resolve(cwd, text) }
}

/** The endpoint as a URL: http or https, and no user name or password (credentials come from the environment). */
function endpointUrl(text: string | undefined): string {
  if (text === undefined || text.trim() === '')
    throw new UsageError(
      '--store s3://... needs --s3-endpoint URL (e.g. --s3-endpoint http://127.0.0.1:7480)',
    )
  let url: URL
  try {
    url = new URL(text.trim())
  } catch {
    throw new UsageError('--s3-endpoint must be a URL such as http://127.0.0.1:7480')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError('--s3-endpoint must start with http:// or https://')
  if (url.username !== '' || url.password !== '')
    throw new UsageError(
      `--s3-endpoint must not carry credentials: set ${S3_ENV.accessKeyId} and ${S3_ENV.secretAccessKey}`,
    )
  return url.href.replace(/\/$/, '')
}

function s3Choice(rest: string, flags: StoreFlags, env: NodeJS.ProcessEnv): ShareChoice {
  const [bucket = '', ...prefixParts] = rest.split('/')
  if (bucket === '')
    throw new UsageError('--store s3:// needs a bucket: --store s3://BUCKET or s3://BUCKET/PREFIX')
  if (!BUCKET.test(bucket))
    throw new UsageError(
      `--store: "${bucket}" is not a bucket name (3-63 letters, digits, dots, hyphens, underscores)`,
    )
  if (flags.rootGiven) throw new UsageError('give either --root (a folder) or --store, not both')
  const prefix = prefixParts.filter((part) => part !== '').join('/')
  if (!isValidRelativePath(prefix))
    throw new UsageError(`--store: "${prefix}" is not a valid folder inside the bucket`)
  const endpoint = endpointUrl(flags.s3Endpoint)
  const accessKeyId = env[S3_ENV.accessKeyId] ?? ''
  const secretAccessKey = env[S3_ENV.secretAccessKey] ?? ''
  const missing = [
    ...(accessKeyId === '' ? [S3_ENV.accessKeyId] : []),
    ...(secretAccessKey === '' ? [S3_ENV.secretAccessKey] : []),
  ]
  if (missing.length > 0)
    throw new UsageError(
      `--store s3://... needs the credentials in the environment: set ${missing.join(' and ')}`,
    )
  const region = flags.s3Region ?? env[S3_ENV.region]
  return {
    kind: 's3',
    options: {
      endpoint,
      bucket,
      accessKeyId,
      secretAccessKey,
      ...(prefix !== '' ? { prefix } : {}),
      ...(region ? { region } : {}),
    },
    location: prefix === '' ? `s3://${bucket}` : `s3://${bucket}/${prefix}`,
  }
}

/** Reads --store (and --root, --s3-*) into what to serve; bad forms are UsageErrors (exit 2). */
export function parseStoreOption(flags: StoreFlags, cwd: string, env: NodeJS.ProcessEnv): ShareChoice {
  const store = flags.store
  if (store !== undefined && /^s3:\/\//i.test(store)) return s3Choice(store.slice('s3://'.length), flags, env)
  if (store !== undefined && /^s3:/i.test(store))
    throw new UsageError('--store: write an S3 bucket as s3://BUCKET or s3://BUCKET/PREFIX')
  const scheme = store === undefined ? null : SCHEME.exec(store)
  // One letter before ':' is a Windows drive (C:\share), not a scheme.
  if (scheme && scheme[1]?.toLowerCase() !== 'file')
    throw new UsageError(`--store: unknown scheme "${scheme[1]}:" (use a folder, file:DIR or s3://BUCKET)`)
  if (flags.s3Endpoint !== undefined || flags.s3Region !== undefined)
    throw new UsageError('--s3-endpoint and --s3-region need --store s3://BUCKET')
  if (store === undefined) return folder(flags.root, cwd)
  if (flags.rootGiven) throw new UsageError('give either --root (a folder) or --store, not both')
  if (store.trim() === '') throw new UsageError('--store needs a folder, file:DIR or s3://BUCKET[/PREFIX]')
  if (/^file:\/\//i.test(store)) return folder(store.slice('file://'.length), cwd)
  if (/^file:/i.test(store)) return folder(store.slice('file:'.length), cwd)
  return folder(store, cwd)
}
