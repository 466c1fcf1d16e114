// The AWS SDK client as Ferry configures it for S3-compatible stores (Ceph's RADOS Gateway first of all).
import { S3Client } from '@aws-sdk/client-s3'
import { FerryError } from '../../protocol/error-codes'
import type { S3StoreOptions } from './s3-config'

export function createS3Client(options: S3StoreOptions): S3Client {
  let url: URL
  try {
    url = new URL(options.endpoint)
  } catch {
    throw new FerryError('INVALID_ARGUMENT', 'the S3 endpoint is not a URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FerryError('INVALID_ARGUMENT', 'the S3 endpoint must be an http: or https: URL')
  }
  // The SDK version is pinned in package.json because its releases after January 2027 need Node 22; its notice
  // saying so would otherwise be printed by every server and CLI start on Node 20.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true'
  return new S3Client({
    endpoint: options.endpoint,
    region: options.region ?? 'us-east-1',
    forcePathStyle: options.forcePathStyle ?? true,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    maxAttempts: options.maxAttempts ?? 3,
    // Since 3.729 the SDK adds CRC32 checksums (aws-chunked trailers) to every upload; stores that predate them,
    // Ceph before 19 among them, answer 411 MissingContentLength to a streamed body. Only where the API requires.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      connectionTimeout: options.connectTimeoutMs ?? 5000,
      // Inactivity, not total time: a long download is fine, a store that stops answering is not.
      socketTimeout: options.socketTimeoutMs ?? 120_000,
    },
  })
}
