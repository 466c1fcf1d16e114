import { describe, expect, it } from 'vitest'
import { formatHostPort, parseHost, parseHostPort, parsePort } from './address'
import { UsageError } from './errors'

describe('parseHostPort', () => {
  it.each([
    ['127.0.0.1:7420', '127.0.0.1', 7420],
    ['localhost:1', 'localhost', 1],
    ['files.example.org:65535', 'files.example.org', 65535],
    ['[::1]:7420', '::1', 7420],
    ['[fe80::1:2]:80', 'fe80::1:2', 80],
  ])('accepts %s', (text, host, port) => {
    expect(parseHostPort(text)).toEqual({ host, port })
  })

  it.each([
    ['127.0.0.1', /missing port/],
    ['127.0.0.1:', /invalid port/],
    [':7420', /missing host/],
    ['::1:7420', /need brackets/],
    ['[::1]', /missing port/],
    ['[::1:7420', /missing "]"/],
    ['[nothost]:7420', /not an IPv6 address/],
    ['host:0', /expected 1-65535/],
    ['host:65536', /expected 1-65535/],
    ['host:12ab', /invalid port/],
    ['host:-1', /invalid port/],
    ['bad_host:7420', /invalid host/],
    ['999.1.1.1:7420', /invalid host/],
    ['', /missing port/],
  ])('refuses %j with a usage error', (text, message) => {
    expect(() => parseHostPort(text)).toThrow(message)
    expect(() => parseHostPort(text)).toThrow(UsageError)
  })

  it('round-trips through formatHostPort', () => {
    for (const text of ['10.0.0.2:7420', '[::1]:7420', 'box.lan:9']) {
      expect(formatHostPort(parseHostPort(text))).toBe(text)
    }
  })
})

describe('parseHost and parsePort', () => {
  it('accepts IPv6 with or without brackets for `ferry client HOST PORT`', () => {
    expect(parseHost('::1')).toBe('::1')
    expect(parseHost('[::1]')).toBe('::1')
    expect(() => parseHost('[localhost]')).toThrow(/invalid IPv6/)
  })

  it('allows port 0 only when asked (serve)', () => {
    expect(parsePort('0', { allowZero: true })).toBe(0)
    expect(() => parsePort('0')).toThrow(UsageError)
    expect(() => parsePort('123456', { allowZero: true })).toThrow(/invalid port/)
  })
})
