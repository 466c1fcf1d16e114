import { describe, expect, it } from 'vitest'
import { decideRange } from './byte-range'

describe('decideRange', () => {
  const size = 1000
  it.each([
    [undefined, { kind: 'full' }],
    ['bytes=0-99', { kind: 'partial', start: 0, end: 99 }],
    ['bytes=900-', { kind: 'partial', start: 900, end: 999 }],
    ['bytes=900-5000', { kind: 'partial', start: 900, end: 999 }],
    ['bytes=-100', { kind: 'partial', start: 900, end: 999 }],
    ['bytes=-5000', { kind: 'partial', start: 0, end: 999 }],
    [' Bytes = 5-5 ', { kind: 'partial', start: 5, end: 5 }],
    ['items=0-5', { kind: 'full' }],
    ['bytes=0-1,5-6', { kind: 'full' }],
    ['bytes=1000-', { kind: 'unsatisfiable' }],
    ['bytes=5-4', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=-', { kind: 'unsatisfiable' }],
    ['bytes=abc', { kind: 'unsatisfiable' }],
    ['bytes=1e3-', { kind: 'unsatisfiable' }],
    ['bytes=9999999999999999-', { kind: 'unsatisfiable' }],
  ] as const)('%s', (header, expected) => {
    expect(decideRange(header, size)).toEqual(expected)
  })

  it('an empty file has no satisfiable range', () => {
    expect(decideRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' })
    expect(decideRange('bytes=-1', 0)).toEqual({ kind: 'unsatisfiable' })
  })
})
