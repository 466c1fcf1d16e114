import { expect, it } from 'vitest'
import { ChunkPool } from './chunk-pool'

it('hands returned buffers out again, keeping at most `keep` idle ones', () => {
  const pool = new ChunkPool(1024, 2)
  const [a, b, c] = [pool.take(), pool.take(), pool.take()]
  expect(new Set([a, b, c]).size).toBe(3)
  expect(a.length).toBe(1024)
  pool.give(a)
  pool.give(b)
  pool.give(c) // over `keep`: dropped
  const again = [pool.take(), pool.take()]
  expect(again).toContain(a)
  expect(again).toContain(b)
  const fresh = pool.take()
  expect([a, b, c]).not.toContain(fresh)
})

it('does not take back a buffer of another size', () => {
  const pool = new ChunkPool(1024, 2)
  const odd = Buffer.alloc(10)
  pool.give(odd)
  expect(pool.take()).not.toBe(odd)
})
