import { describe, expect, it } from 'vitest'
import { baseName, nameProblem, numberedName, parentPath, parseRelativePath } from './paths'
import { FerryError } from './error-codes'

describe('parseRelativePath', () => {
  it('accepts ordinary relative paths and the root', () => {
    expect(parseRelativePath('')).toEqual([])
    expect(parseRelativePath('a.txt')).toEqual(['a.txt'])
    expect(parseRelativePath('docs/2024/report (final).pdf')).toEqual(['docs', '2024', 'report (final).pdf'])
    expect(parseRelativePath('ファイル/été.txt')).toEqual(['ファイル', 'été.txt'])
    expect(parseRelativePath('.hidden')).toEqual(['.hidden'])
  })

  const refused = [
    '..',
    '../etc/passwd',
    'a/../../b',
    './a',
    '/etc/passwd',
    'a//b',
    'a/',
    'C:/Windows',
    'C:',
    'a\\..\\b',
    '\\\\server\\share',
    'a\u0000b',
    'tab\tname',
    'del\u007f',
    'e\u0301', // not NFC
    '\uff0e\uff0e', // fullwidth '..'
    'CON',
    'nul.txt',
    'com1',
    'LPT9.log',
    'trailing.',
    'trailing ',
    '.ferry',
    '.ferry-partial',
    'x'.repeat(256),
    'what?',
    'a*b',
    '\ud800',
    Array.from({ length: 65 }, () => 'd').join('/'),
  ]
  for (const p of refused) {
    it(`refuses ${JSON.stringify(p.slice(0, 40))} with PATH_INVALID`, () => {
      let caught: unknown
      try {
        parseRelativePath(p)
      } catch (err: unknown) {
        caught = err
      }
      expect(caught).toBeInstanceOf(FerryError)
      expect((caught as FerryError).code).toBe('PATH_INVALID')
    })
  }

  it('accepts a 255-byte name and refuses 256 bytes counted in UTF-8', () => {
    expect(nameProblem('é'.repeat(127) + 'a')).toBeNull() // 255 bytes
    expect(nameProblem('é'.repeat(128))).toMatch(/longer than 255/) // 256 bytes, 128 characters
  })
})

describe('path helpers', () => {
  it('splits base and parent', () => {
    expect(baseName('a/b/c.txt')).toBe('c.txt')
    expect(parentPath('a/b/c.txt')).toBe('a/b')
    expect(parentPath('c.txt')).toBe('')
  })

  it('numbers names before the extension', () => {
    expect(numberedName('photo.jpg', 2)).toBe('photo (2).jpg')
    expect(numberedName('archive.tar.gz', 3)).toBe('archive.tar (3).gz')
    expect(numberedName('README', 2)).toBe('README (2)')
    expect(numberedName('.bashrc', 2)).toBe('.bashrc (2)')
  })
})
