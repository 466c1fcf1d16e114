import { describe, expect, it } from 'vitest'
import { hostAllowed, hostOf, ownNames } from './host-header'

describe('Host header guard (DNS rebinding)', () => {
  const names = ownNames('Box')

  it('reads the host out of a Host header', () => {
    expect(hostOf('127.0.0.1:8080')).toBe('127.0.0.1')
    expect(hostOf('[::1]:8080')).toBe('::1')
    expect(hostOf('Box.Local')).toBe('box.local')
    expect(hostOf('fe80::1')).toBe('fe80::1')
  })

  it('lets in IP addresses and this machine own names, and nothing else', () => {
    for (const ok of ['127.0.0.1:1', '10.0.0.5', '[::1]:80', 'localhost:8080', 'box', 'BOX.local:9']) {
      expect(hostAllowed(ok, names)).toBe(true)
    }
    for (const bad of ['evil.example:8080', 'box.evil.example', 'localhost.evil', '', undefined]) {
      expect(hostAllowed(bad, names)).toBe(false)
    }
  })
})
