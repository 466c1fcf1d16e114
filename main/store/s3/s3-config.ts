// What an S3Store needs to reach its bucket, and where it may come from: constructor options or the environment
// (FERRY_S3_*). Credentials are never taken from anywhere else (no shared AWS profile files, no instance metadata),
// so a server reaches only the store it was given.
import { FerryError } from '../../protocol/error-codes'

export interface S3StoreOptions {
  /** e.g. http://127.0.0.1:7480 */
  endpoint: string
  bucket: string
  accessKeyId: string
  secretAccessKey: string
  /** Default us-east-1 (Ceph ignores it, the signature needs one). */
  region?: string
  /** Keys of the share start with this (a folder inside the bucket); default: the whole bucket. */
  prefix?: string
  /** Bucket in the path, not the host name (default true: no wildcard DNS on 127.0.0.1 or most private stores). */
  forcePathStyle?: boolean
  /** Bytes per multipart part (default 8 MiB, at least 5 MiB, S3's floor). Files up to this size go in one PUT. */
  partSizeBytes?: number
  /** Objects larger than this are copied in parts (default 5 GiB, S3's limit for one CopyObject). */
  copyPartThresholdBytes?: number
  /**
   * How long a stage() waits for this process's previous writer of the same staged upload to let go before it
   * stages privately instead (default 2000 ms; see s3-writers.ts).
   */
  writerWaitMs?: number
  /** Tries per request, the first included (default 3); network errors and 5xx are retried. */
  maxAttempts?: number
  /** Give up connecting after this long (default 5 s): STORE_UNAVAILABLE. */
  connectTimeoutMs?: number
  /** Give up on a connection silent for this long (default 120 s), a paused download included. */
  socketTimeoutMs?: number
}

export const ENV = {
  endpoint: 'FERRY_S3_ENDPOINT',
  accessKeyId: 'FERRY_S3_ACCESS_KEY',
  secretAccessKey: 'FERRY_S3_SECRET_KEY',
  region: 'FERRY_S3_REGION',
  bucket: 'FERRY_S3_BUCKET',
  prefix: 'FERRY_S3_PREFIX',
} as const

/**
 * Options from FERRY_S3_ENDPOINT, FERRY_S3_ACCESS_KEY, FERRY_S3_SECRET_KEY, FERRY_S3_REGION, FERRY_S3_BUCKET and
 * FERRY_S3_PREFIX, overridden by `overrides`. INVALID_ARGUMENT names what is missing, never a value.
 */
export function s3OptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<S3StoreOptions> = {},
): S3StoreOptions {
  const pick = (name: keyof typeof ENV): string | undefined => {
    const value = overrides[name] ?? env[ENV[name]]
    return typeof value === 'string' && value !== '' ? value : undefined
  }
  const required = ['endpoint', 'bucket', 'accessKeyId', 'secretAccessKey'] as const
  const missing = required.filter((name) => pick(name) === undefined).map((name) => ENV[name])
  if (missing.length > 0) {
    throw new FerryError('INVALID_ARGUMENT', `the S3 store needs ${missing.join(', ')}`)
  }
  return {
    ...overrides,
    endpoint: pick('endpoint') ?? '',
    bucket: pick('bucket') ?? '',
    accessKeyId: pick('accessKeyId') ?? '',
    secretAccessKey: pick('secretAccessKey') ?? '',
    region: pick('region') ?? 'us-east-1',
    prefix: pick('prefix') ?? '',
  }
}
