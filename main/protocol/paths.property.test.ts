// Property tests for the path rules: whatever a peer sends, a path that parseRelativePath accepts names
// something inside the share on POSIX and on Windows alike, and everything else is a PATH_INVALID FerryError.
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FerryError } from './error-codes'
import { MAX_NAME_BYTES } from './limits'
import { parseRelativePath } from './paths'

// Pieces attackers and unlucky file names are made of.
const NASTY = [
  '.',
  '..',
  '...',
  '/',
  '//',
  '\\',
  ':',
  'C:',
  'c:\\',
  'C:/',
  '\\\\server\\share',
  '//server/share',
  '\\\\?\\',
  '\\\\.\\',
  '\u0000',
  '\u0001',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u2028',
  '\uff0e',
  '\uff0e\uff0e',
  '\uff0f',
  '\uff3c',
  '\uff1a',
  '\u2024',
  '\u2025',
  '\ufe52',
  '\u2215',
  '\u2044',
  '\u29f8',
  'CON',
  'con',
  'NUL',
  'nul.txt',
  'PRN',
  'AUX',
  'COM1',
  'com\u00b9',
  'LPT9',
  'CONIN$',
  'e\u0301',
  '\u00e9',
  '\u212b',
  'A\u030a',
  ' ',
  '\t',
  '~',
  '%2e%2e',
  '%2f',
  '.ferry',
  '.FERRY',
  '.ferry-part',
  'a',
  'b.txt',
  'dir',
  '\ud800',
  '\udc00',
  '\ud83d\ude00',
  '\u200b',
  '\u202e',
  '*',
  '?',
  '"',
  '<',
  '>',
  '|',
  'x'.repeat(120),
  'é'.repeat(64),
]

const nastyPath = fc.array(fc.constantFrom(...NASTY), { minLength: 1, maxLength: 12 }).map((a) => a.join(''))
const nastyJoined = fc
  .array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'grapheme', maxLength: 8 })), {
    maxLength: 10,
  })
  .map((a) => a.join('/'))
const anyPath = fc.oneof(
  nastyPath,
  nastyJoined,
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme-composite', maxLength: 60 }),
  fc.string({ maxLength: 5000 }),
)

const ROOTS = { posix: '/srv/share', win32: 'C:\\Users\\host\\Share' }

function isInside(root: string, target: string, p: typeof path.posix): boolean {
  const rel = p.relative(root, target)
  const up = rel === '..' || rel.startsWith('..' + p.sep)
  return rel === '' || (!up && !p.isAbsolute(rel))
}

/** Invariants of an accepted segment, stated independently of how paths.ts checks them. */
function segmentIsSafe(segment: string): boolean {
  return (
    segment.length > 0 &&
    segment !== '.' &&
    segment !== '..' &&
    Buffer.byteLength(segment, 'utf8') <= MAX_NAME_BYTES &&
    // eslint-disable-next-line no-control-regex -- control characters are what must never get through
    !/[\u0000-\u001f\u007f-\u009f/\\:*?"<>|]/.test(segment) &&
    !/[. ]$/.test(segment) &&
    segment.normalize('NFC') === segment &&
    !/^\.+$/.test(segment.normalize('NFKC')) &&
    !/[/\\:]/.test(segment.normalize('NFKC')) &&
    !/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(segment.normalize('NFKC')) &&
    !segment.toLowerCase().startsWith('.ferry') &&
    Buffer.from(segment, 'utf8').toString('utf8') === segment // no lone surrogates
  )
}

describe('parseRelativePath properties', () => {
  it('either refuses with PATH_INVALID or returns safe segments that stay inside the root everywhere', () => {
    fc.assert(
      fc.property(anyPath, (input) => {
        let segments: string[]
        try {
          segments = parseRelativePath(input)
        } catch (err: unknown) {
          expect(err).toBeInstanceOf(FerryError)
          expect((err as FerryError).code).toBe('PATH_INVALID')
          return
        }
        expect(segments.join('/')).toBe(input) // accepted paths are never rewritten
        for (const segment of segments) expect(segmentIsSafe(segment), JSON.stringify(segment)).toBe(true)
        const posixTarget = path.posix.resolve(ROOTS.posix, ...segments)
        expect(isInside(ROOTS.posix, posixTarget, path.posix)).toBe(true)
        const winTarget = path.win32.resolve(ROOTS.win32, ...segments)
        expect(isInside(ROOTS.win32, winTarget, path.win32 as typeof path.posix)).toBe(true)
        // Each segment stays one level: nothing in it is read as a separator on either platform.
        expect(path.win32.relative(ROOTS.win32, winTarget).split('\\')).toHaveLength(segments.length || 1)
      }),
      { numRuns: 5000 },
    )
  })

  it('accepts ordinary names so the rules are not vacuous', () => {
    const plain = fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9 _().-]{0,30}[A-Za-z0-9_)-]$/)
    fc.assert(
      fc.property(fc.array(plain, { minLength: 1, maxLength: 8 }), (names) => {
        fc.pre(names.every((n) => !/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(n)))
        expect(parseRelativePath(names.join('/'))).toEqual(names)
      }),
    )
  })

  it('refuses every path with a traversal, absolute or drive-letter form', () => {
    const prefix = fc.constantFrom(
      '/',
      '\\',
      'C:',
      'c:/',
      '\\\\srv\\s\\',
      '../',
      'a/../',
      './',
      '\uff0e\uff0e/',
    )
    const rest = fc.stringMatching(/^[a-z]{1,10}(\/[a-z]{1,10}){0,3}$/)
    fc.assert(
      fc.property(prefix, rest, (p, r) => {
        expect(() => parseRelativePath(p + r)).toThrow(FerryError)
      }),
    )
  })
})

describe('counterexamples the properties found (kept as fixed cases)', () => {
  // '.．．' is '...' in NFKC; 'LPT9.\u2028' slipped past a device-name pattern whose '.' skipped U+2028;
  // U+0085 is a C1 control character.
  for (const name of [
    '.\uff0e\uff0e',
    '\uff0e\uff0e\uff0e',
    'LPT9.\u2028',
    'a\u0085b',
    '\uff23\uff2f\uff2e',
    'x\u00a0',
  ]) {
    it(`refuses ${JSON.stringify(name)}`, () => {
      expect(() => parseRelativePath(name)).toThrow(FerryError)
    })
  }
})
