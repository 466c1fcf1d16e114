import { describe, expect, it } from 'vitest'
import { FerryError } from '../protocol/error-codes'
import { splitTarget, wirePathFrom } from './request-path'

const wire = (target: string): string => wirePathFrom(splitTarget(target).segments.slice(2))

describe('request paths', () => {
  it('decodes each segment and keeps the query apart', () => {
    expect(wire('/api/file/a%20b/%C3%BC.txt?x=1')).toBe('a b/ü.txt')
    expect(wire('/api/list/')).toBe('')
    expect(splitTarget('/api/list/a?recursive=1').query.get('recursive')).toBe('1')
  })

  it.each([
    '/api/file/..',
    '/api/file/%2e%2e/x',
    '/api/file/a%2F..%2Fb',
    '/api/file/a%5Cb',
    '/api/file/a%00',
    '/api/file/%E0%A4%A',
    '/api/file/a//b',
    '/api/file/.ferry-partial',
    '/api/file/CON',
  ])('refuses %s with PATH_INVALID', (target) => {
    try {
      wire(target)
      expect.unreachable()
    } catch (err: unknown) {
      expect(err).toBeInstanceOf(FerryError)
      expect((err as FerryError).code).toBe('PATH_INVALID')
    }
  })
})
