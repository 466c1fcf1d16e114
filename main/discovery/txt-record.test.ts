import { describe, expect, it } from 'vitest'
import { decodeTxt, encodeTxt, type FerryTxt } from './txt-record'

const FP = Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase()).join(':')
const TLS_HOST: FerryTxt = { protocol: 1, name: 'Box', tls: true, fingerprint: FP, tokenRequired: true }
const bytes = (strings: string[]) => strings.map((s) => Buffer.from(s, 'utf8'))

describe('TXT record', () => {
  it('encodes every field and decodes what it encoded (with TLS and without)', () => {
    const strings = encodeTxt(TLS_HOST)
    expect(strings).toEqual([
      'txtvers=1',
      'v=1',
      'name=Box',
      'tls=1',
      `fp=${FP.replace(/:/g, '').toLowerCase()}`,
      'token=1',
    ])
    expect(decodeTxt(bytes(strings))).toEqual(TLS_HOST)
    const plain: FerryTxt = {
      protocol: 1,
      name: 'Ünïcode näme',
      tls: false,
      fingerprint: null,
      tokenRequired: false,
    }
    expect(decodeTxt(bytes(encodeTxt(plain)))).toEqual(plain)
    // A fingerprint handed in without TLS is not announced.
    expect(encodeTxt({ ...plain, fingerprint: FP })).not.toContainEqual(expect.stringMatching(/^fp=/))
  })

  it('cuts a long name to one DNS label (63 bytes) without splitting a character', () => {
    const [, , name] = encodeTxt({ ...TLS_HOST, name: 'ä'.repeat(40) })
    expect(name).toBe(`name=${'ä'.repeat(31)}`)
    expect(decodeTxt(bytes(encodeTxt({ ...TLS_HOST, name: 'ä'.repeat(40) })))?.name).toBe('ä'.repeat(31))
  })

  it.each([
    ['no fields', []],
    ['another service', ['txtvers=1', 'path=/']],
    ['missing token flag', ['txtvers=1', 'v=1', 'name=Box', 'tls=0']],
    ['tls=1 without a fingerprint', ['txtvers=1', 'v=1', 'name=Box', 'tls=1', 'token=0']],
    [
      'a fingerprint without tls',
      ['txtvers=1', 'v=1', 'name=Box', 'tls=0', `fp=${'ab'.repeat(32)}`, 'token=0'],
    ],
    ['a short fingerprint', ['txtvers=1', 'v=1', 'name=Box', 'tls=1', `fp=${'ab'.repeat(31)}`, 'token=0']],
    ['a flag that is not 0 or 1', ['txtvers=1', 'v=1', 'name=Box', 'tls=yes', 'token=0']],
    ['a control character in the name', ['txtvers=1', 'v=1', 'name=Bo\u0007x', 'tls=0', 'token=0']],
    ['a name over 63 bytes', ['txtvers=1', 'v=1', `name=${'x'.repeat(64)}`, 'tls=0', 'token=0']],
    ['a version that is not a number', ['txtvers=1', 'v=one', 'name=Box', 'tls=0', 'token=0']],
    ['an unknown txtvers', ['txtvers=2', 'v=1', 'name=Box', 'tls=0', 'token=0']],
    ['an unknown key', ['txtvers=1', 'v=1', 'name=Box', 'tls=0', 'token=0', 'extra=1']],
    ['a key named __proto__', ['txtvers=1', 'v=1', 'name=Box', 'tls=0', 'token=0', '__proto__=x']],
    ['a string without =', ['txtvers=1', 'v=1', 'name=Box', 'tls=0', 'token=0', 'flag']],
    [
      'a record over 400 bytes',
      ['txtvers=1', 'v=1', 'name=Box', 'tls=0', 'token=0', ...Array(60).fill('x=yyyyyy')],
    ],
  ])('refuses %s', (_why, strings) => {
    expect(decodeTxt(bytes(strings))).toBeNull()
  })

  it('refuses items that are not strings, and takes the first of a repeated key (RFC 6763 §6.4)', () => {
    expect(decodeTxt([42])).toBeNull()
    expect(decodeTxt([{ length: 3 }])).toBeNull()
    const repeated = decodeTxt(bytes(['txtvers=1', 'v=1', 'name=Box', 'name=Evil', 'tls=0', 'token=0']))
    expect(repeated?.name).toBe('Box')
  })
})
