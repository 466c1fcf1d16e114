import { describe, expect, it } from 'vitest'
import { FailureLimiter } from './failure-limiter'
import { addressKey } from './address-key'

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000
  return { now: () => t, advance: (ms) => (t += ms) }
}

describe('FailureLimiter', () => {
  it('locks an address out after maxFailures and lets it in again after the lockout', () => {
    const c = clock()
    const limiter = new FailureLimiter({ maxFailures: 3, windowMs: 60_000, lockoutMs: 10_000, now: c.now })
    expect(limiter.recordFailure('10.0.0.1')).toEqual({ allowed: true })
    expect(limiter.recordFailure('10.0.0.1')).toEqual({ allowed: true })
    expect(limiter.recordFailure('10.0.0.1')).toEqual({ allowed: false, retryAfterMs: 10_000 })
    expect(limiter.check('10.0.0.1')).toEqual({ allowed: false, retryAfterMs: 10_000 })
    expect(limiter.check('10.0.0.2')).toEqual({ allowed: true })
    c.advance(10_001)
    expect(limiter.check('10.0.0.1')).toEqual({ allowed: true })
  })

  it('doubles the lockout on repeat offences, up to the maximum', () => {
    const c = clock()
    const limiter = new FailureLimiter({ maxFailures: 1, lockoutMs: 1000, maxLockoutMs: 3000, now: c.now })
    const lockouts: number[] = []
    for (let i = 0; i < 4; i++) {
      const d = limiter.recordFailure('a')
      lockouts.push(d.allowed ? 0 : d.retryAfterMs)
      c.advance(d.allowed ? 0 : d.retryAfterMs + 1)
    }
    expect(lockouts).toEqual([1000, 2000, 3000, 3000])
  })

  it('forgets failures outside the window and after a success', () => {
    const c = clock()
    const limiter = new FailureLimiter({ maxFailures: 2, windowMs: 1000, now: c.now })
    limiter.recordFailure('a')
    c.advance(1001)
    expect(limiter.recordFailure('a').allowed).toBe(true)
    limiter.recordSuccess('a')
    expect(limiter.recordFailure('a').allowed).toBe(true)
  })

  it('keeps memory bounded under a flood of distinct addresses', () => {
    const c = clock()
    const limiter = new FailureLimiter({ maxEntries: 100, now: c.now })
    for (let i = 0; i < 10_000; i++) limiter.recordFailure(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`)
    expect(limiter.size).toBe(100)
  })

  it('counts IPv4-mapped addresses as IPv4 and IPv6 by /64', () => {
    expect(addressKey('::ffff:192.168.1.2')).toBe('192.168.1.2')
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe(addressKey('2001:db8:1:2:ffff:1:2:3'))
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'))
    expect(addressKey('::1')).toBe('0:0:0:0::/64')
    const limiter = new FailureLimiter({ maxFailures: 2 })
    limiter.recordFailure('2001:db8:1:2::1')
    expect(limiter.recordFailure('2001:db8:1:2::99').allowed).toBe(false)
  })
})
