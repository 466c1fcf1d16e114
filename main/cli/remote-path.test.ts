import { describe, expect, it } from 'vitest'
import { UsageError } from './errors'
import { resolveRemotePath } from './remote-path'
import { splitWords } from './shell-words'

describe('resolveRemotePath', () => {
  it.each([
    ['', '/', ''],
    ['', '.', ''],
    ['', 'docs/', 'docs'],
    ['', '/docs//a.txt', 'docs/a.txt'],
    ['docs', 'a.txt', 'docs/a.txt'],
    ['docs/x', '..', 'docs'],
    ['docs/x', '../../y', 'y'],
    ['docs', '/other', 'other'],
    ['docs', './a/./b', 'docs/a/b'],
  ])('cwd %j + %j -> %j', (cwd, input, expected) => {
    expect(resolveRemotePath(cwd, input)).toBe(expected)
  })

  it('refuses to climb above the share root', () => {
    expect(() => resolveRemotePath('', '..')).toThrow(UsageError)
    expect(() => resolveRemotePath('a', '../../b')).toThrow(/above the share root/)
  })
})

describe('splitWords', () => {
  it('splits on whitespace and honours quotes and escapes', () => {
    expect(splitWords('  get  a.txt   b ')).toEqual(['get', 'a.txt', 'b'])
    expect(splitWords(`put "my file.txt" 'it''s' a\\ b`)).toEqual(['put', 'my file.txt', 'its', 'a b'])
    expect(splitWords('mv "" x')).toEqual(['mv', '', 'x'])
    expect(splitWords('get "say \\"hi\\""')).toEqual(['get', 'say "hi"'])
    expect(splitWords('')).toEqual([])
  })

  it('reports an unterminated quote', () => {
    expect(() => splitWords('get "open')).toThrow(/unterminated/)
  })
})
