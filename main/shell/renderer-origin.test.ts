import { describe, expect, it } from 'vitest'
import { isOwnRenderer, rendererLocation } from './renderer-origin'

describe('isOwnRenderer', () => {
  const prod = rendererLocation('/opt/Ferry/resources/app/out/renderer/index.html', undefined)
  const dev = rendererLocation('/repo/out/renderer/index.html', 'http://localhost:5173')

  it('accepts the built index.html with any hash or query', () => {
    expect(isOwnRenderer('file:///opt/Ferry/resources/app/out/renderer/index.html', prod)).toBe(true)
    expect(isOwnRenderer('file:///opt/Ferry/resources/app/out/renderer/index.html#/browse', prod)).toBe(true)
  })

  it('rejects other files, remote pages and junk', () => {
    expect(isOwnRenderer('file:///tmp/evil.html', prod)).toBe(false)
    expect(isOwnRenderer('file:///opt/Ferry/resources/app/out/renderer/index.html.evil', prod)).toBe(false)
    expect(isOwnRenderer('https://example.com/', prod)).toBe(false)
    expect(isOwnRenderer('http://localhost:5173/', prod)).toBe(false)
    expect(isOwnRenderer('not a url', prod)).toBe(false)
    expect(isOwnRenderer(undefined, prod)).toBe(false)
  })

  it('accepts the dev server origin only in development', () => {
    expect(isOwnRenderer('http://localhost:5173/index.html', dev)).toBe(true)
    expect(isOwnRenderer('http://localhost:5174/', dev)).toBe(false)
    expect(isOwnRenderer('http://127.0.0.1:5173/', dev)).toBe(false)
  })
})
