// The S3 bucket the app hosts: built from the Host view's form, checked once before anything listens, so a wrong
// endpoint or wrong credentials come back to the form as one error (code kept) and nothing is served. Messages
// name the endpoint and the bucket, never the secret key.
import { FerryError } from '../protocol/error-codes'
import type { S3StoreOptions } from '../store/s3/s3-config'
import { S3Store } from '../store/s3/s3-store'
import type { ShareStore } from '../store/share-store'

function startError(err: unknown, options: S3StoreOptions): FerryError {
  const secret = options.secretAccessKey
  const said = err instanceof Error ? err.message : String(err)
  const message = `cannot use the S3 store at ${options.endpoint}: ${said}`
  const code = err instanceof FerryError ? err.code : 'INTERNAL'
  return new FerryError(code, secret === '' ? message : message.split(secret).join('[secret]'), {
    cause: err,
  })
}

/** A checked S3Store over the bucket; closed again when the check fails. */
export async function openS3Store(options: S3StoreOptions): Promise<ShareStore> {
  let store: S3Store
  try {
    store = new S3Store(options)
  } catch (err: unknown) {
    throw startError(err, options)
  }
  try {
    await store.check()
    return store
  } catch (err: unknown) {
    await store.close()
    throw startError(err, options)
  }
}
