// Validation of wire paths. Names are checked and rejected, never rewritten: a name that would mean something
// else on some file system (.., drive letters, device names, trailing dots) is refused on every platform, so a
// share behaves the same wherever it runs. Pure: no file system access (symlinks are checked by the server).
import { FerryError } from './error-codes'
import { MAX_NAME_BYTES, MAX_PATH_BYTES, MAX_PATH_DEPTH, RESERVED_PREFIX } from './limits'

// CON, PRN, AUX, NUL, COM1-9, LPT1-9 (also with superscript digits), with or without an extension.
const WINDOWS_DEVICE = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/is // s: '.' also matches U+2028
// C0 and C1 control characters and the characters Windows forbids in names; '/' separates segments.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rule refuses
const FORBIDDEN_CHARS = /[\u0000-\u001f\u007f-\u009f<>:"\\|?*]/

function invalid(path: string, why: string): FerryError {
  return new FerryError('PATH_INVALID', `invalid path ${JSON.stringify(path.slice(0, 200))}: ${why}`)
}

/** Checks one name segment; returns a reason it is refused, or null when it is fine. */
export function nameProblem(name: string): string | null {
  if (name.length === 0) return 'empty name'
  if (name === '.' || name === '..') return `'${name}' is not allowed`
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) return `name longer than ${MAX_NAME_BYTES} bytes`
  if (FORBIDDEN_CHARS.test(name)) return 'name contains a control or reserved character'
  if (name.normalize('NFC') !== name) return 'name is not in Unicode NFC form'
  if (/[. ]$/.test(name)) return 'name ends with a dot or space'
  // Compatibility forms (fullwidth dots and slashes, superscript digits...) are what some systems turn names into
  // (Windows "best fit" code pages), so the rules also hold for the NFKC form.
  const compat = name.normalize('NFKC')
  if (/^\.+$/.test(compat) || /[. ]$/.test(compat) || FORBIDDEN_CHARS.test(compat) || /[/]/.test(compat))
    return 'name contains look-alike separators or dots'
  if (WINDOWS_DEVICE.test(name) || WINDOWS_DEVICE.test(compat)) return 'name is a reserved device name'
  if (name.toLowerCase().startsWith(RESERVED_PREFIX))
    return `names starting with ${RESERVED_PREFIX} are reserved`
  // Lone surrogates cannot be stored as file names on most systems and do not survive UTF-8.
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(name)) {
    return 'name contains an unpaired surrogate'
  }
  return null
}

/**
 * Splits a wire path into validated segments. '' is the root (no segments). Leading or trailing '/', empty
 * segments, '.', '..', and anything nameProblem refuses throw PATH_INVALID.
 */
export function parseRelativePath(path: string): string[] {
  if (typeof path !== 'string') throw invalid(String(path), 'not a string')
  if (path === '') return []
  if (Buffer.byteLength(path, 'utf8') > MAX_PATH_BYTES)
    throw invalid(path, `longer than ${MAX_PATH_BYTES} bytes`)
  const segments = path.split('/')
  if (segments.length > MAX_PATH_DEPTH) throw invalid(path, `deeper than ${MAX_PATH_DEPTH} levels`)
  for (const segment of segments) {
    const problem = nameProblem(segment)
    if (problem) throw invalid(path, problem)
  }
  return segments
}

export function isValidRelativePath(path: string): boolean {
  try {
    parseRelativePath(path)
    return true
  } catch {
    return false
  }
}

/** Joins validated segments back into a wire path. */
export function joinRelativePath(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/')
}

/** The path's last segment ('' for the root). */
export function baseName(path: string): string {
  const i = path.lastIndexOf('/')
  return i < 0 ? path : path.slice(i + 1)
}

/** The folder holding the path ('' for the root and top-level entries). */
export function parentPath(path: string): string {
  const i = path.lastIndexOf('/')
  return i < 0 ? '' : path.slice(0, i)
}

/** 'name.txt' -> 'name (2).txt', used by the overwrite policy 'rename'. */
export function numberedName(name: string, n: number): string {
  const dot = name.lastIndexOf('.')
  if (dot <= 0) return `${name} (${n})`
  return `${name.slice(0, dot)} (${n})${name.slice(dot)}`
}
