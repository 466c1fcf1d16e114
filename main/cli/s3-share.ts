// Opens the S3 bucket `ferry serve --store s3://...` shares and checks once that it answers, so a wrong endpoint
// or wrong credentials stop the command with one clear line before anything listens. Messages name the endpoint
// and the bucket, never the secret key.
import { FerryError } from '../protocol/error-codes'
import type { S3StoreOptions } from '../store/s3/s3-config'
import type { ShareStore } from '../store/share-store'
import { StoreUnreachableError } from './errors'

function withoutSecret(text: string, secret: string): string {
  return secret === '' ? text : text.split(secret).join('[secret]')
}

/** The store's check failure said for a person running `ferry serve`: what, where, and what to do. */
function startError(err: unknown, options: S3StoreOptions): FerryError {
  const where = `the S3 store at ${options.endpoint}`
  const said = withoutSecret(err instanceof Error ? err.message : String(err), options.secretAccessKey)
  const code = err instanceof FerryError ? err.code : 'INTERNAL'
  if (code === 'STORE_UNAVAILABLE')
    return new StoreUnreachableError(`cannot use ${where}: ${said}; nothing is served`, { cause: err })
  if (code === 'AUTH_FAILED' || code === 'PERMISSION_DENIED')
    return new FerryError(
      code,
      `${where} refused access to bucket ${options.bucket}: ${said} (credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)`,
      { cause: err },
    )
  return new FerryError(code, `cannot use ${where}: ${said}`, { cause: err })
}

/** A checked S3Store over the bucket; closed again when the check fails. */
export async function openS3Share(options: S3StoreOptions): Promise<ShareStore> {
  // Loaded only when asked for: the AWS SDK is large, and folder shares never need it.
  const { S3Store } = await import('../store/s3/s3-store')
  const store = new S3Store(options)
  try {
    await store.check()
    return store
  } catch (err: unknown) {
    await store.close()
    throw startError(err, options)
  }
}
