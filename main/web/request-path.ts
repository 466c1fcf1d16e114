// URL paths to wire paths. The raw request target is split by hand (never through `new URL`, which would resolve
// `..` and turn `\` into `/`): each segment is percent-decoded on its own and the result goes through
// parseRelativePath, so encoded dots, backslashes, NUL and overlong paths are refused, never rewritten.
import { FerryError } from '../protocol/error-codes'
import { MAX_PATH_BYTES } from '../protocol/limits'
import { parseRelativePath } from '../protocol/paths'

/** Longest request target accepted: a full path percent-encoded three bytes per byte, plus the route. */
export const MAX_URL_BYTES = MAX_PATH_BYTES * 3 + 1024

export interface RequestTarget {
  /** Decoded-free route segments of the path part, e.g. ['api', 'file', 'a%20b']. */
  segments: string[]
  query: URLSearchParams
}

export function splitTarget(url: string): RequestTarget {
  const q = url.indexOf('?')
  const pathPart = q < 0 ? url : url.slice(0, q)
  if (!pathPart.startsWith('/')) throw new FerryError('PATH_INVALID', 'the request target must start with /')
  const segments = pathPart.slice(1).split('/')
  if (segments.length > 0 && segments[segments.length - 1] === '') segments.pop()
  return { segments, query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)) }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw new FerryError('PATH_INVALID', 'the path is not valid percent-encoded UTF-8')
  }
}

/**
 * The wire path named by URL segments (still encoded). A decoded segment holding '/' (from %2F) is refused too:
 * one URL segment is one name.
 */
export function wirePathFrom(segments: readonly string[]): string {
  const names = segments.map(decodeSegment)
  if (names.some((n) => n.includes('/'))) throw new FerryError('PATH_INVALID', 'a name may not contain /')
  const path = names.join('/')
  parseRelativePath(path)
  return path
}

/** A wire path from a JSON body or query value: must be a string and pass the wire rules as it is. */
export function wirePathValue(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new FerryError('INVALID_ARGUMENT', `${what} must be a string`)
  parseRelativePath(value)
  return value
}
