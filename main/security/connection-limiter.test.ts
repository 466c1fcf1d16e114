import { describe, expect, it } from 'vitest'
import { ConnectionLimiter, type ConnectionLease } from './connection-limiter'

describe('ConnectionLimiter', () => {
  it('caps connections per address and overall, and frees slots on release', () => {
    const limiter = new ConnectionLimiter({ maxTotal: 3, maxPerAddress: 2 })
    const leases: ConnectionLease[] = []
    const admit = (a: string): ReturnType<ConnectionLimiter['admit']> => {
      const r = limiter.admit(a)
      if (r.admitted) leases.push(r.lease)
      return r
    }
    expect(admit('1.1.1.1').admitted).toBe(true)
    expect(admit('::ffff:1.1.1.1').admitted).toBe(true)
    expect(admit('1.1.1.1')).toMatchObject({ admitted: false, reason: 'address' })
    expect(admit('2.2.2.2').admitted).toBe(true)
    expect(admit('3.3.3.3')).toMatchObject({ admitted: false, reason: 'total' })
    expect(limiter.active).toBe(3)
    leases[0]!.release()
    leases[0]!.release() // idempotent
    expect(limiter.active).toBe(2)
    expect(limiter.activeFrom('1.1.1.1')).toBe(1)
    expect(admit('3.3.3.3').admitted).toBe(true)
    for (const l of leases) l.release()
    expect(limiter.active).toBe(0)
    expect(limiter.trackedAddresses).toBe(0)
  })
})
