import { expect, it } from 'vitest'
import { RequestRateLimiter } from './request-rate'

it('allows a burst, then the steady rate, per address, with bounded memory', () => {
  let t = 0
  const limiter = new RequestRateLimiter({ perSecond: 10, burst: 3, maxEntries: 50, now: () => t })
  expect([1, 2, 3, 4].map(() => limiter.take('10.0.0.1'))).toEqual([true, true, true, false])
  expect(limiter.take('10.0.0.2')).toBe(true)
  t += 100 // one token back
  expect(limiter.take('10.0.0.1')).toBe(true)
  expect(limiter.take('10.0.0.1')).toBe(false)
  for (let i = 0; i < 1000; i++) limiter.take(`10.1.${i >> 8}.${i & 255}`)
  expect(limiter.size).toBeLessThanOrEqual(50)
  expect(() => new RequestRateLimiter({ perSecond: 0 })).toThrow(RangeError)
})
