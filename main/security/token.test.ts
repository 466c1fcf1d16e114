import { describe, expect, it } from 'vitest'
import { FerryError } from '../protocol/error-codes'
import { TokenVerifier, generateToken, tokenProblem } from './token'

describe('TokenVerifier', () => {
  it('matches only the exact token', () => {
    const verifier = new TokenVerifier('correct horse')
    expect(verifier.matches('correct horse')).toBe(true)
    for (const wrong of ['correct hors', 'correct horsee', 'Correct horse', '', 'x'.repeat(5000)]) {
      expect(verifier.matches(wrong)).toBe(false)
    }
  })

  it('treats composed and decomposed accents as the same PIN, and non-strings as wrong', () => {
    const verifier = new TokenVerifier('caf\u00e9')
    expect(verifier.matches('cafe\u0301')).toBe(true)
    for (const wrong of [undefined, null, 1234, ['café'], { token: 'café' }])
      expect(verifier.matches(wrong)).toBe(false)
  })

  it('refuses unusable host tokens', () => {
    expect(() => new TokenVerifier('')).toThrow(FerryError)
    expect(tokenProblem(' pin')).toMatch(/white space/)
    expect(tokenProblem('x'.repeat(1025))).toMatch(/longer/)
    expect(tokenProblem('1234')).toBeNull()
  })

  it('generates distinct url-safe tokens', () => {
    const a = generateToken()
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/)
    expect(generateToken()).not.toBe(a)
  })
})
