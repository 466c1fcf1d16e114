import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FerryError } from '../protocol/error-codes'
import { connectionUri } from './fingerprint'
import { isPairingLink, parseHostName, parsePairingLink } from './pairing-link'

const FP = 'E2:0F:A8:AC:FF:23:9A:0A:23:AD:D3:42:80:F8:32:7A:2B:77:2B:26:BD:B8:59:C6:11:B4:1D:93:25:9C:A6:91'
const HEX = FP.replace(/:/g, '').toLowerCase()

function codeOf(fn: () => unknown): string | null {
  try {
    fn()
    return null
  } catch (err: unknown) {
    return err instanceof FerryError ? err.code : 'not a FerryError'
  }
}

describe('parsePairingLink', () => {
  it('reads what the host builds, for IPv4, IPv6 and names', () => {
    expect(parsePairingLink(`ferry://192.168.1.20:7420?fp=${HEX}`)).toEqual({
      host: '192.168.1.20',
      port: 7420,
      tls: true,
      fingerprint: FP,
    })
    expect(parsePairingLink(connectionUri('fe80::1', 1, FP))).toEqual({
      host: 'fe80::1',
      port: 1,
      tls: true,
      fingerprint: FP,
    })
    expect(parsePairingLink(`  FERRY://nas.local:65535/?fp=${HEX.toUpperCase()}#qr \n`)).toMatchObject({
      host: 'nas.local',
      port: 65535,
      fingerprint: FP,
    })
  })

  it('accepts a token a user added, decoded but with + kept, and ignores unknown parameters', () => {
    expect(parsePairingLink(`ferry://h:7420?fp=${HEX}&token=a%20b+c&v=2`)).toEqual({
      host: 'h',
      port: 7420,
      tls: true,
      fingerprint: FP,
      token: 'a b+c',
    })
  })

  it.each([
    ['http://h:7420?fp=HEX', /start with ferry/],
    ['ferry://h?fp=HEX', /port is missing/],
    ['ferry://h:0?fp=HEX', /port must be/],
    ['ferry://h:65536?fp=HEX', /port must be/],
    ['ferry://h:74a0?fp=HEX', /port must be/],
    ['ferry://h:-1?fp=HEX', /port must be/],
    ['ferry://::1:7420?fp=HEX', /brackets/],
    ['ferry://[::1:7420?fp=HEX', /"\]"/],
    ['ferry://[nas.local]:7420?fp=HEX', /not a host/],
    ['ferry://[::1]7420?fp=HEX', /port is missing/],
    ['ferry://999.1.1.1:7420?fp=HEX', /not a host/],
    ['ferry://-bad-:7420?fp=HEX', /not a host/],
    ['ferry://:7420?fp=HEX', /not a host/],
    ['ferry://user@h:7420?fp=HEX', /names a user/],
    ['ferry://h:7420/share?fp=HEX', /has a path/],
    ['ferry://h:7420', /fp=\) is missing/],
    ['ferry://h:7420?fp=abc', /64 hex/],
    ['ferry://h:7420?fp=HEXzz', /64 hex/],
    ['ferry://h:7420?fp=HEX&fp=HEX', /twice/],
    ['ferry://h:7420?fp=HEX&token=', /token must be/],
    ['ferry://h:7420?fp=HEX&token=%E0%A4%A', /%-escape/],
  ])('refuses %s', (link, why) => {
    const text = link.replace(/HEX/g, HEX)
    expect(codeOf(() => parsePairingLink(text))).toBe('INVALID_ARGUMENT')
    expect(() => parsePairingLink(text)).toThrow(why)
  })

  it('round-trips every link the host can build', () => {
    const host = fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain())
    const fp = fc
      .uint8Array({ minLength: 32, maxLength: 32 })
      .map((b) => [...b].map((x) => x.toString(16).padStart(2, '0').toUpperCase()).join(':'))
    fc.assert(
      fc.property(host, fc.integer({ min: 1, max: 65_535 }), fp, (h, port, fingerprint) => {
        expect(parsePairingLink(connectionUri(h, port, fingerprint))).toEqual({
          host: h,
          port,
          tls: true,
          fingerprint,
        })
      }),
    )
  })

  it('answers any text with a link or INVALID_ARGUMENT, never another failure', () => {
    const text = fc.oneof(
      fc.string(),
      fc.string().map((s) => `ferry://${s}`),
      fc.string().map((s) => `ferry://h:7420?${s}`),
    )
    fc.assert(
      fc.property(text, (t) => {
        const code = codeOf(() => parsePairingLink(t))
        expect(code === null || code === 'INVALID_ARGUMENT').toBe(true)
      }),
    )
  })
})

describe('host names and link detection', () => {
  it('takes names and addresses, bracketed IPv6 too, and refuses the rest', () => {
    expect(parseHostName('[::1]')).toBe('::1')
    expect(parseHostName('::1')).toBe('::1')
    expect(parseHostName('10.0.0.1')).toBe('10.0.0.1')
    expect(parseHostName('my-nas.local')).toBe('my-nas.local')
    for (const bad of ['', '[]', '[10.0.0.1]', '1.2.3', 'a_b', 'a..b', 'x'.repeat(64)]) {
      expect(parseHostName(bad)).toBeNull()
    }
    expect(isPairingLink(' Ferry://x')).toBe(true)
    expect(isPairingLink('10.0.0.1:7420')).toBe(false)
  })
})
