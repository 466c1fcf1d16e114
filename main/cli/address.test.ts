import { describe, expect, it } from 'vitest'
import { connectParamsOf, formatHostPort, parseAddress, parseHost, parseHostPort, parsePort } from './address'
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

describe('parseAddress', () => {
  const FP = 'E2:0F:A8:AC:FF:23:9A:0A:23:AD:D3:42:80:F8:32:7A:2B:77:2B:26:BD:B8:59:C6:11:B4:1D:93:25:9C:A6:91'
  const HEX = FP.replace(/:/g, '').toLowerCase()

  it('takes HOST:PORT as before, and a pairing link with its certificate and token', () => {
    expect(parseAddress('[::1]:7420')).toEqual({ host: '::1', port: 7420 })
    expect(parseAddress(`ferry://[::1]:7420?fp=${HEX}`)).toEqual({ host: '::1', port: 7420, fingerprint: FP })
    const withToken = parseAddress(`ferry://10.0.0.2:9?fp=${HEX}&token=t%2Bx`)
    expect(withToken).toEqual({ host: '10.0.0.2', port: 9, fingerprint: FP, token: 't+x' })
    expect(connectParamsOf(withToken)).toEqual({
      host: '10.0.0.2',
      port: 9,
      token: 't+x',
      tls: { fingerprint: FP },
    })
    expect(connectParamsOf(parseAddress('h:1'))).toEqual({ host: 'h', port: 1 })
  })

  it('refuses a bad link as a usage error that says why', () => {
    expect(() => parseAddress('ferry://h:7420?fp=12')).toThrow(UsageError)
    expect(() => parseAddress('ferry://h:7420?fp=12')).toThrow(/64 hex/)
    expect(() => parseAddress(`ferry://h?fp=${HEX}`)).toThrow(/port is missing/)
  })
})
