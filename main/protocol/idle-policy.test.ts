import { describe, expect, it } from 'vitest'
import { DEFAULT_IDLE_POLICY, idleTimeoutFor } from './idle-policy'

describe('idleTimeoutFor', () => {
  it('gives the first client the maximum and halves at halfAt other clients', () => {
    expect(idleTimeoutFor(1)).toBe(DEFAULT_IDLE_POLICY.maxMs)
    expect(idleTimeoutFor(DEFAULT_IDLE_POLICY.halfAt + 1)).toBe(DEFAULT_IDLE_POLICY.maxMs / 2)
  })

  it('shrinks monotonically as clients join and never goes below the floor', () => {
    let previous = Infinity
    for (let n = 1; n <= 20_000; n += 97) {
      const t = idleTimeoutFor(n)
      expect(t).toBeLessThanOrEqual(previous)
      expect(t).toBeGreaterThanOrEqual(DEFAULT_IDLE_POLICY.minMs)
      previous = t
    }
    expect(idleTimeoutFor(1_000_000)).toBe(DEFAULT_IDLE_POLICY.minMs)
  })

  it('follows a custom policy', () => {
    const policy = { maxMs: 1000, minMs: 100, halfAt: 1 }
    expect(idleTimeoutFor(1, policy)).toBe(1000)
    expect(idleTimeoutFor(2, policy)).toBe(500)
    expect(idleTimeoutFor(3, policy)).toBe(333)
    expect(idleTimeoutFor(50, policy)).toBe(100)
  })
})
