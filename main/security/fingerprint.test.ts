import { describe, expect, it } from 'vitest'
import {
  connectionUri,
  displayFingerprint,
  normalizeFingerprint,
  parseFingerprint,
  sameFingerprint,
} from './fingerprint'

const FP = 'E2:0F:A8:AC:FF:23:9A:0A:23:AD:D3:42:80:F8:32:7A:2B:77:2B:26:BD:B8:59:C6:11:B4:1D:93:25:9C:A6:91'

describe('fingerprints', () => {
  it('accepts the forms a user types or pastes', () => {
    const bare = FP.replace(/:/g, '')
    for (const input of [FP, bare.toLowerCase(), `sha256:${bare}`, bare.match(/.{4}/g)!.join(' ')]) {
      expect(normalizeFingerprint(input)).toBe(FP)
    }
    expect(normalizeFingerprint(bare.slice(2))).toBeNull()
    expect(normalizeFingerprint(bare.slice(2) + 'zz')).toBeNull()
    expect(() => parseFingerprint('nope')).toThrow(/64 hex/)
    expect(sameFingerprint(FP, bare.toLowerCase())).toBe(true)
    expect(sameFingerprint(FP, FP.replace('E2', 'E3'))).toBe(false)
  })

  it('shows 4 lines of 4 groups and builds a pinning link', () => {
    expect(displayFingerprint(FP).split('\n')).toEqual([
      'E20F A8AC FF23 9A0A',
      '23AD D342 80F8 327A',
      '2B77 2B26 BDB8 59C6',
      '11B4 1D93 259C A691',
    ])
    expect(connectionUri('fe80::1', 7420, FP)).toBe(
      `ferry://[fe80::1]:7420?fp=${FP.replace(/:/g, '').toLowerCase()}`,
    )
  })
})
