// Opens the S3 bucket `ferry serve --store s3://...` shares and checks once that it answers, so a wrong endpoint
// or wrong credentials stop the command with one clear line before anything listens. Messages name the endpoint
// and the bucket, never the secret key.
import { FerryError } from '../protocol/error-codes'
import type { S3StoreOptions } from '../store/s3/s3-config'
import type { ShareStore } from '../store/share-store'
import { StoreUnreachableError } from './errors'

/** The store's check failure said for a person running `ferry serve`: what to do, besides what and where. */
function startError(err: unknown): FerryError {
  if (!(err instanceof FerryError)) return new FerryError('INTERNAL', String(err), { cause: err })
  if (err.code === 'STORE_UNAVAILABLE')
    return new StoreUnreachableError(`${err.message}; nothing is served`, { cause: err })
  if (err.code === 'AUTH_FAILED' || err.code === 'PERMISSION_DENIED')
    return new FerryError(
      err.code,
      `${err.message} (credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)`,
      { cause: err },
    )
  return err
}

/** A checked S3Store over the bucket; closed again when the check fails. */
export async function openS3Share(options: S3StoreOptions): Promise<ShareStore> {
  // Loaded only when asked for: the AWS SDK is large, and folder shares never need it.
  const { openCheckedS3Store } = await import('../store/s3/s3-open')
  return openCheckedS3Store(options).catch((err: unknown) => {
    throw startError(err)
  })
}
