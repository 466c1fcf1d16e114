import { describe, expect, it } from 'vitest'
import { SyncGate } from './sync-gate'

function gateWithClock() {
  const clock = { now: 0 }
  const gate = new SyncGate(
    true,
    { slowMs: 2, slowCount: 3, window: 4, stallMs: 50, backoffMs: 100 },
    () => clock.now,
  )
  const step = (ms: number): void => {
    gate.time(() => {
      clock.now += ms
    })
  }
  return { gate, clock, step }
}

describe('SyncGate', () => {
  it('tolerates occasional slow steps', () => {
    const { gate, step } = gateWithClock()
    for (let i = 0; i < 20; i++) step(i % 2 === 0 ? 40 : 0.01)
    expect(gate.open).toBe(true)
  })

  it('closes when most recent steps are slow, then reopens after the back-off', () => {
    const { gate, clock, step } = gateWithClock()
    const reasons: string[] = []
    gate.onClose = (why) => reasons.push(why)
    step(3)
    step(0.01)
    step(3)
    expect(gate.open).toBe(true)
    step(3)
    expect(gate.open).toBe(false)
    expect(reasons).toHaveLength(1)
    clock.now += 99
    expect(gate.open).toBe(false)
    clock.now += 2
    expect(gate.open).toBe(true)
    step(3) // a fresh window after reopening
    expect(gate.open).toBe(true)
  })

  it('closes at once on a stall, even when the step throws', () => {
    const { gate, clock } = gateWithClock()
    expect(() =>
      gate.time(() => {
        clock.now += 60
        throw new Error('boom')
      }),
    ).toThrow('boom')
    expect(gate.open).toBe(false)
  })

  it('stays shut when not allowed', () => {
    expect(new SyncGate(false).open).toBe(false)
  })
})
