import { describe, expect, it } from 'vitest'
import { contentSecurityPolicy } from './csp'

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/\s+/)
      return [name, sources]
    }),
  )
}

describe('contentSecurityPolicy', () => {
  it('allows only the app itself in production', () => {
    const d = directives(contentSecurityPolicy())
    expect(d.get('default-src')).toEqual(["'self'"])
    expect(d.get('script-src')).toEqual(["'self'"])
    expect(d.get('object-src')).toEqual(["'none'"])
    expect(d.get('frame-ancestors')).toEqual(["'none'"])
    for (const sources of d.values()) {
      expect(sources.some((s) => /^https?:|^ws/.test(s) || s === '*')).toBe(false)
    }
  })

  it('adds the browser-mode bridge and the dev server only when asked', () => {
    const d = directives(
      contentSecurityPolicy({
        devServerOrigin: 'http://localhost:5173',
        connectSources: ['ws://127.0.0.1:4000'],
      }),
    )
    expect(d.get('connect-src')).toEqual([
      "'self'",
      'ws://127.0.0.1:4000',
      'http://localhost:5173',
      'ws://localhost:5173',
    ])
    expect(d.get('script-src')).toContain('http://localhost:5173')
  })
})
