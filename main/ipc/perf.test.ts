import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { HostStatus, PerfEvent } from '../../preload/api'
import type { Kit } from './service-test-kit'
import { makeKit, nextEvent, value } from './service-test-kit'

let kit: Kit
beforeEach(async () => {
  kit = await makeKit()
})
afterEach(async () => {
  await kit.cleanup()
})

const SMALL = { clientCounts: [1, 2], sizeBytes: 1024, requests: 8, mix: 'mixed' } as const

describe('perf', () => {
  it('runs a local test, tagging every event with its run id, ending with one done', async () => {
    const { service } = kit
    const events: PerfEvent[] = []
    service.events.on('perf', (e) => events.push(e))
    const done = nextEvent(service.events, 'perf', (e) => e.type === 'done' || e.type === 'failed')
    const runId = value(await service.handlers.startPerf({ ...SMALL, target: 'local' })) as string
    const last = await done
    expect(last).toMatchObject({ type: 'done', runId })
    if (last.type !== 'done') return
    expect(last.points.map((p) => p.clients)).toEqual([1, 2])
    expect(last.points.every((p) => p.requests > 0 && p.errors === 0)).toBe(true)
    expect(events.every((e) => e.runId === runId)).toBe(true)
    expect(events.filter((e) => e.type === 'point')).toHaveLength(2)
    expect(events.filter((e) => e.type === 'done' || e.type === 'failed')).toHaveLength(1)
  })

  it('reports each step live: its start, its progress, then its point, before the next step begins', async () => {
    const { service } = kit
    const events: PerfEvent[] = []
    service.events.on('perf', (e) => events.push(e))
    const done = nextEvent(service.events, 'perf', (e) => e.type === 'done' || e.type === 'failed')
    value(
      await service.handlers.startPerf({
        ...SMALL,
        clientCounts: [1, 2, 4],
        requests: 12,
        mix: 'get',
        target: 'local',
      }),
    )
    expect(await done).toMatchObject({ type: 'done' })
    // Per step: a progress at 0 the moment it starts (workers already loaded), progress up to the total, its point.
    const steps = [1, 2, 4].map((clients) => {
      const first = events.findIndex((e) => e.type === 'progress' && e.clients === clients)
      const point = events.findIndex((e) => e.type === 'point' && e.point.clients === clients)
      return { clients, first, point }
    })
    for (const [i, step] of steps.entries()) {
      expect(events[step.first]).toMatchObject({ type: 'progress', clients: step.clients, done: 0 })
      expect(events[step.point - 1]).toMatchObject({
        type: 'progress',
        clients: step.clients,
        done: 12,
        total: 12,
      })
      expect(step.first).toBeLessThan(step.point)
      const next = steps[i + 1]
      if (next) expect(step.point).toBeLessThan(next.first)
    }
    expect(events.at(-1)?.type).toBe('done')
  })

  it("tests the connected server for 'connected', and needs a connection for it", async () => {
    const { service } = kit
    expect(await service.handlers.startPerf({ ...SMALL, target: 'connected' })).toMatchObject({
      ok: false,
      error: { code: 'CONNECTION_CLOSED' },
    })
    const status = value(
      await service.handlers.startHost({ port: 0, root: join(kit.dir, 'share'), bindAll: false }),
    ) as HostStatus
    value(await service.handlers.connect({ host: '127.0.0.1', port: status.port }))
    let sawServerTraffic = false
    service.events.on('host', (e) => {
      if (e.type === 'client-connected') sawServerTraffic = true
    })
    const done = nextEvent(service.events, 'perf', (e) => e.type === 'done' || e.type === 'failed')
    const runId = value(
      await service.handlers.startPerf({ ...SMALL, clientCounts: [2], target: 'connected' }),
    )
    expect(await done).toMatchObject({ type: 'done', runId })
    expect(sawServerTraffic).toBe(true)
  })

  it('runs one test at a time and reports a cancelled run as failed with CANCELLED', async () => {
    const { service } = kit
    const big = {
      clientCounts: [4],
      sizeBytes: 1024,
      requests: 5_000_000,
      mix: 'get' as const,
      target: 'local' as const,
    }
    const progress = nextEvent(service.events, 'perf', (e) => e.type === 'progress')
    const end = nextEvent(service.events, 'perf', (e) => e.type === 'done' || e.type === 'failed')
    const runId = value(await service.handlers.startPerf(big))
    expect(await service.handlers.startPerf(big)).toMatchObject({ ok: false, error: { code: 'BUSY' } })
    await progress
    value(await service.handlers.cancelPerf())
    expect(await end).toMatchObject({ type: 'failed', runId, error: { code: 'CANCELLED' } })
  })
})
