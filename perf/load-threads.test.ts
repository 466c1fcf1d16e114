import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { PerfRunOptions } from './engine'
import { runPerf } from './engine'
import { BroadcastChannel } from 'node:worker_threads'
import { BUNDLED_WORKER_FILE, findWorkerEntry, startLoadThreads } from './load-threads'

describe('findWorkerEntry', () => {
  let dir = ''
  // As if the engine were bundled into DIR/index.js: the worker files are looked up next to that module.
  const base = (): URL => pathToFileURL(join(dir, 'index.js'))

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-worker-entry-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('prefers the bundled worker, then the tsx shim, then none', async () => {
    expect(findWorkerEntry(base())).toBeNull()
    await writeFile(join(dir, 'worker-shim.mjs'), '')
    expect(findWorkerEntry(base())).toEqual({
      mode: 'tsx-worker',
      url: pathToFileURL(join(dir, 'worker-shim.mjs')),
    })
    await writeFile(join(dir, BUNDLED_WORKER_FILE), '')
    expect(findWorkerEntry(base())).toEqual({
      mode: 'bundled-worker',
      url: pathToFileURL(join(dir, BUNDLED_WORKER_FILE)),
    })
  })

  it('finds the tsx shim next to the source module', () => {
    expect(findWorkerEntry()?.mode).toBe('tsx-worker')
  })
})

describe('the mode runPerf reports', () => {
  const run: PerfRunOptions = { target: 'local', clientCounts: [2], sizeBytes: 512, requests: 6, mix: 'get' }

  it('is tsx-worker for worker threads in a source checkout', async () => {
    const events: string[] = []
    const [point] = await runPerf({ ...run, workers: 1 }, (e) => {
      if (e.type === 'point')
        events.push((e.point as { generator?: { mode?: string } }).generator?.mode ?? '')
    })
    expect(point).toMatchObject({ requests: 6, errors: 0, generator: { threads: 1, mode: 'tsx-worker' } })
    expect(events).toEqual(['tsx-worker'])
  })

  it('is inline for workers: 0', async () => {
    const [point] = await runPerf({ ...run, workers: 0 }, () => undefined)
    expect(point?.generator.mode).toBe('inline')
  })

  it('falls back to inline, with a warning, when no worker file exists', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    try {
      const [point] = await runPerf({ ...run, workers: 2, workerEntry: null }, () => undefined)
      expect(point).toMatchObject({ requests: 6, errors: 0, generator: { threads: 1, mode: 'inline' } })
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('generating load in the calling thread'))
    } finally {
      warn.mockRestore()
    }
  })
})

describe('startLoadThreads', () => {
  it('counts a worker as started once its modules are loaded, not when its thread is online', async () => {
    const gate = new BroadcastChannel('ferry-late-loading-worker')
    const running = new Promise<void>((resolve) => {
      gate.onmessage = () => resolve()
    })
    let started = false
    const starting = startLoadThreads(1, {
      mode: 'tsx-worker',
      url: new URL('./late-loading-worker.fixture.mjs', import.meta.url),
    }).then((threads) => {
      started = true
      return threads
    })
    try {
      // The worker runs (so it is online) but has not loaded yet: start must still be waiting.
      await running
      await new Promise((resolve) => setImmediate(resolve))
      expect(started).toBe(false)
      gate.postMessage('release')
      const { threads } = await starting
      expect(threads).toHaveLength(1)
      await Promise.all(threads.map((t) => t.terminate()))
    } finally {
      gate.close()
    }
  })
})
