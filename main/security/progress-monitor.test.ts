import { describe, expect, it } from 'vitest'
import type { FerryError } from '../protocol/error-codes'
import { ProgressMonitor } from './progress-monitor'

function setup(policy = {}): {
  monitor: ProgressMonitor
  advance: (ms: number) => void
  errors: FerryError[]
} {
  let t = 0
  const monitor = new ProgressMonitor(
    { headerTimeoutMs: 1000, minBodyBytes: 100, progressWindowMs: 1000, drainTimeoutMs: 1000, ...policy },
    { now: () => t, tickMs: 0 },
  )
  const errors: FerryError[] = []
  return {
    monitor,
    errors,
    advance: (ms) => {
      t += ms
      monitor.sweep()
    },
  }
}

describe('ProgressMonitor', () => {
  it('drops a header that trickles in too slowly, once', () => {
    const { monitor, advance, errors } = setup()
    const watch = monitor.watch((e) => errors.push(e))
    watch.received(1, 'header')
    advance(600)
    watch.received(1, 'header') // still the same incomplete header
    advance(600)
    expect(errors.map((e) => e.code)).toEqual(['TIMEOUT'])
    expect(errors[0]?.message).toMatch(/header/)
    advance(5000)
    expect(errors).toHaveLength(1)
    expect(monitor.size).toBe(0)
  })

  it('restarts the header clock for each new frame and ignores idle time between frames', () => {
    const { monitor, advance, errors } = setup()
    const watch = monitor.watch((e) => errors.push(e))
    for (let i = 0; i < 5; i++) {
      watch.received(10, 'header', 1)
      advance(900)
    }
    watch.received(10, 'between', 1)
    advance(60_000)
    expect(errors).toEqual([])
  })

  it('requires a minimum body rate, but not while we paused reading', () => {
    const { monitor, advance, errors } = setup()
    const watch = monitor.watch((e) => errors.push(e))
    watch.received(50, 'body', 1)
    watch.received(200, 'body')
    advance(1000) // 200 bytes in the window: fine
    watch.setReading(false)
    advance(10_000) // our sink is full: not the peer's fault
    watch.setReading(true)
    watch.received(10, 'body')
    advance(1000)
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/slower than 100 bytes/)])
  })

  it('enforces a step deadline until cleared, and a drain timeout', () => {
    const { monitor, advance, errors } = setup()
    const a = monitor.watch((e) => errors.push(e))
    a.setDeadline(500, 'no AUTH within 0.5 s')
    const b = monitor.watch((e) => errors.push(e))
    b.setDeadline(500, 'never shown')
    b.clearDeadline()
    b.setWaitingForDrain(true)
    advance(501)
    expect(errors.map((e) => e.message)).toEqual(['no AUTH within 0.5 s'])
    advance(600)
    expect(errors.map((e) => e.message)[1]).toMatch(/read nothing/)
    monitor.close()
  })

  it('stops its timer when nothing is watched', () => {
    const monitor = new ProgressMonitor({}, { tickMs: 10 })
    const watch = monitor.watch(() => undefined)
    expect(monitor.size).toBe(1)
    watch.stop()
    expect(monitor.size).toBe(0)
  })
})
