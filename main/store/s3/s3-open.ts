// Opening a bucket to serve: the store is built and checked once before anything listens, so a wrong endpoint or
// wrong credentials come back as one error (its code kept) and nothing is served; a store that fails its check is
// closed again. Messages name the endpoint, never the secret key (removed even if a store error quoted it).
import { FerryError } from '../../protocol/error-codes'
import type { S3StoreOptions } from './s3-config'
import { S3Store } from './s3-store'

export function withoutSecret(text: string, secret: string): string {
  return secret === '' ? text : text.split(secret).join('[secret]')
}

/** The store's own failure, with its code, as "cannot use the S3 store at ENDPOINT: ...". */
function openError(err: unknown, options: S3StoreOptions): FerryError {
  const said = withoutSecret(err instanceof Error ? err.message : String(err), options.secretAccessKey)
  const code = err instanceof FerryError ? err.code : 'INTERNAL'
  return new FerryError(code, `cannot use the S3 store at ${options.endpoint}: ${said}`, { cause: err })
}

export async function openCheckedS3Store(options: S3StoreOptions): Promise<S3Store> {
  let store: S3Store
  try {
    store = new S3Store(options)
  } catch (err: unknown) {
    throw openError(err, options)
  }
  try {
    await store.check()
    return store
  } catch (err: unknown) {
    await store.close()
    throw openError(err, options)
  }
}
