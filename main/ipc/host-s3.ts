// What the app keeps of the Host view's S3 form. The secret key lives only here, in this process's memory, for
// this session: it is never saved to the settings file, never logged and never sent back to the renderer, and
// a start with the secret field left empty reuses the one that last worked for the same endpoint and key id.
import type { HostS3Options } from '../../preload/api'
import { FerryError } from '../protocol/error-codes'
import type { S3StoreOptions } from '../store/s3/s3-config'

/** s3://bucket or s3://bucket/prefix: what the host status shows where it shows a folder. */
export function s3Location(options: Pick<S3StoreOptions, 'bucket' | 'prefix'>): string {
  const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '')
  return prefix === '' ? `s3://${options.bucket}` : `s3://${options.bucket}/${prefix}`
}

export class S3SecretMemory {
  private readonly secrets = new Map<string, string>()

  /** The store options for this form, the secret taken from memory when the form leaves it empty. */
  complete(form: HostS3Options): S3StoreOptions {
    const secretAccessKey = form.secretAccessKey || this.secrets.get(keyOf(form))
    if (!secretAccessKey)
      throw new FerryError('INVALID_ARGUMENT', 'enter the secret key of this S3 access key')
    const prefix = form.prefix?.trim() ?? ''
    const region = form.region?.trim() ?? ''
    return {
      endpoint: form.endpoint,
      bucket: form.bucket,
      accessKeyId: form.accessKeyId,
      secretAccessKey,
      ...(prefix !== '' ? { prefix } : {}),
      ...(region !== '' ? { region } : {}),
    }
  }

  /** Called once the store accepted these credentials, so a wrong secret is never the one kept. */
  remember(options: S3StoreOptions): void {
    this.secrets.clear()
    this.secrets.set(keyOf(options), options.secretAccessKey)
  }
}

function keyOf(o: { endpoint: string; accessKeyId: string }): string {
  return `${o.endpoint.replace(/\/+$/, '')}\n${o.accessKeyId}`
}
