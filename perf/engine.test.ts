import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FerryServer } from '../main/server'
import type { PerfEngineEvent } from './engine'
import { runPerf, splitClients } from './engine'

describe('runPerf against a local server', () => {
  it('runs every step in worker threads and reports sane points', async () => {
    const events: PerfEngineEvent[] = []
    const points = await runPerf(
      { target: 'local', clientCounts: [1, 2], sizeBytes: 4096, requests: 40, mix: 'mixed', workers: 1 },
      (e) => events.push(e),
    )
    expect(points.map((p) => p.clients)).toEqual([1, 2])
    for (const p of points) {
      expect(p).toMatchObject({ requests: 40, errors: 0, timeouts: 0, bytes: 40 * 4096, errorSamples: [] })
      expect(p.meanMs).toBeGreaterThan(0)
      expect(p.p50Ms).toBeLessThanOrEqual(p.p95Ms)
      expect(p.p95Ms).toBeLessThanOrEqual(p.p99Ms)
      expect(p.p99Ms).toBeLessThanOrEqual(p.maxMs)
      expect(p.requestsPerSec).toBeGreaterThan(0)
      expect(p.mbPerSec).toBeCloseTo((p.requestsPerSec * 4096) / 1e6, 1)
      expect(p.generator.threads).toBe(1)
    }
    const types = events.map((e) => e.type).filter((t) => t !== 'progress')
    expect(types).toEqual(['point', 'point', 'done'])
    const lastProgress = events.filter((e) => e.type === 'progress').at(-1)
    expect(lastProgress).toEqual({ type: 'progress', clients: 2, done: 40, total: 40 })
  })

  it('runs in the calling thread with workers: 0 (GET and POST mixes)', async () => {
    for (const mix of ['get', 'post'] as const) {
      const [point] = await runPerf(
        { target: 'local', clientCounts: [3], sizeBytes: 1000, requests: 9, mix, workers: 0 },
        () => undefined,
      )
      expect(point).toMatchObject({ clients: 3, requests: 9, errors: 0, timeouts: 0, bytes: 9000 })
      expect(point?.generator.maxLoopUtilization).toBeNull()
    }
  })

  it('seeds a remote target through the protocol and removes its folder afterwards', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ferry-perf-remote-'))
    // A per-address cap equal to the step: the engine's own setup connection must not take a slot during the run.
    const server = await FerryServer.start({ root, maxConnectionsPerAddress: 2 })
    try {
      const [point] = await runPerf(
        {
          target: server.address(),
          clientCounts: [2],
          sizeBytes: 2048,
          requests: 10,
          mix: 'mixed',
          workers: 0,
        },
        () => undefined,
      )
      expect(point).toMatchObject({ clients: 2, requests: 10, errors: 0, timeouts: 0 })
      expect((await readdir(root)).filter((name) => !name.startsWith('.ferry'))).toEqual([])
    } finally {
      await server.close()
      await rm(root, { recursive: true, force: true })
    }
  })

  it('stops promptly when aborted mid-step and reports CANCELLED', async () => {
    const controller = new AbortController()
    const events: PerfEngineEvent[] = []
    const run = runPerf(
      // Far more work than the test could ever wait for: only the abort can end it in time.
      {
        target: 'local',
        clientCounts: [4],
        sizeBytes: 4096,
        requests: 10_000_000,
        mix: 'get',
        workers: 1,
        maxDurationMs: 600_000,
        progressIntervalMs: 10,
      },
      (e) => {
        events.push(e)
        if (e.type === 'progress' && e.done > 0) controller.abort()
      },
      controller.signal,
    )
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(events.at(-1)).toEqual({
      type: 'failed',
      error: { code: 'CANCELLED', message: 'perf run cancelled' },
    })
    expect(events.some((e) => e.type === 'point')).toBe(false)
  })

  it('refuses bad options before starting anything', async () => {
    const events: PerfEngineEvent[] = []
    await expect(
      runPerf({ target: 'local', clientCounts: [], sizeBytes: 1, requests: 1, mix: 'get' }, (e) =>
        events.push(e),
      ),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(events).toEqual([{ type: 'failed', error: expect.objectContaining({ code: 'INVALID_ARGUMENT' }) }])
  })
})

it('splitClients spreads clients evenly', () => {
  expect(splitClients(5, 2)).toEqual([3, 2])
  expect(splitClients(1, 3)).toEqual([1, 0, 0])
  expect(splitClients(256, 1)).toEqual([256])
})
