// Wire paths to object keys and back. A share is every key below one prefix of one bucket: a file is the key
// prefix + path, a folder is the key prefix prefix + path + '/' (with an empty marker object of that name, so it
// exists while empty). Ferry's own bookkeeping (staged uploads) lives under prefix + '.ferry/', a name
// the wire refuses, so it is never listed or addressed. Paths are validated by the protocol's rules; what passes
// cannot leave the prefix ('..', empty segments and leading '/' are refused), and a key S3 cannot hold (longer than
// 1024 bytes) is PATH_INVALID too.
import { FerryError } from '../../protocol/error-codes'
import { RESERVED_PREFIX } from '../../protocol/limits'
import { parseRelativePath } from '../../protocol/paths'

/** S3's limit on a key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024
/** Room kept below the limit so the same path as a folder (its marker adds '/') fits as well. */
const KEY_SLACK_BYTES = 1

function tooLong(path: string): FerryError {
  return new FerryError(
    'PATH_INVALID',
    `invalid path ${JSON.stringify(path.slice(0, 200))}: too long for an object key (${MAX_KEY_BYTES} bytes)`,
  )
}

export class KeySpace {
  /** '' or a prefix ending in '/'. */
  readonly prefix: string

  constructor(prefix = '') {
    const bare = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix
    try {
      parseRelativePath(bare)
    } catch (err: unknown) {
      const why = err instanceof Error ? err.message : String(err)
      throw new FerryError('INVALID_ARGUMENT', `the S3 prefix is not a valid path: ${why}`)
    }
    this.prefix = bare === '' ? '' : `${bare}/`
    if (Buffer.byteLength(this.internal('x'), 'utf8') > MAX_KEY_BYTES / 2) {
      throw new FerryError('INVALID_ARGUMENT', 'the S3 prefix is too long')
    }
  }

  /** The object key of a file; PATH_INVALID for the root and for paths the wire or S3 refuses. */
  file(path: string): string {
    if (parseRelativePath(path).length === 0) {
      throw new FerryError('PATH_INVALID', 'the root of the share is a folder, not a file')
    }
    const key = this.prefix + path
    if (Buffer.byteLength(key, 'utf8') + KEY_SLACK_BYTES > MAX_KEY_BYTES) throw tooLong(path)
    return key
  }

  /** The key prefix of a folder (its marker's key): prefix + path + '/', or the share's prefix for the root. */
  folder(path: string): string {
    if (parseRelativePath(path).length === 0) return this.prefix
    const key = `${this.prefix}${path}/`
    if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) throw tooLong(path)
    return key
  }

  /** A key for Ferry's own bookkeeping, below prefix + '.ferry/'. */
  internal(name: string): string {
    return `${this.prefix}${RESERVED_PREFIX}/${name}`
  }

  /** The wire path of a key inside the share ('' for the prefix itself), or null for a key outside it. */
  pathOf(key: string): string | null {
    if (!key.startsWith(this.prefix)) return null
    const rest = key.slice(this.prefix.length)
    return rest.endsWith('/') ? rest.slice(0, -1) : rest
  }
}
