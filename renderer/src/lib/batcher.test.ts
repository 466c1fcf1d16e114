import { afterEach, describe, expect, it, vi } from 'vitest'
import { createBatcher } from './batcher'

afterEach(() => vi.useRealTimers())

describe('createBatcher', () => {
  it('coalesces items with the same key, keeps first-arrival order, and delivers once per interval', () => {
    vi.useFakeTimers()
    const deliveries: string[][] = []
    const b = createBatcher<string>((items) => deliveries.push(items), 100)
    b.push('a', 'a1')
    b.push('b', 'b1')
    b.push('a', 'a2')
    expect(deliveries).toEqual([])
    vi.advanceTimersByTime(100)
    expect(deliveries).toEqual([['a2', 'b1']])
    b.push('c', 'c1')
    b.flush()
    expect(deliveries).toEqual([['a2', 'b1'], ['c1']])
    vi.advanceTimersByTime(1000)
    expect(deliveries).toHaveLength(2)
  })

  it('delivers sooner on flushWithin, once for a burst of such calls', () => {
    vi.useFakeTimers()
    const deliveries: number[][] = []
    const b = createBatcher<number>((items) => deliveries.push(items), 100)
    for (let i = 0; i < 1000; i++) {
      b.push(String(i), i)
      b.flushWithin(16)
    }
    vi.advanceTimersByTime(15)
    expect(deliveries).toEqual([])
    vi.advanceTimersByTime(1)
    expect(deliveries).toHaveLength(1)
    expect(deliveries[0]).toHaveLength(1000)
    vi.advanceTimersByTime(1000)
    expect(deliveries).toHaveLength(1)
  })

  it('delivers nothing after dispose', () => {
    vi.useFakeTimers()
    const deliver = vi.fn()
    const b = createBatcher<number>(deliver, 50)
    b.push('x', 1)
    b.dispose()
    b.push('y', 2)
    vi.advanceTimersByTime(500)
    expect(deliver).not.toHaveBeenCalled()
  })
})
