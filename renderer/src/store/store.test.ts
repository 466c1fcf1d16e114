import { describe, expect, it } from 'vitest'
import { FakeApi } from '../test/fake-api'
import { createFerryStore, PERSIST_KEY } from './index'
import { bindApiEvents } from './bind-api'
import { sortEntries } from './sort-entries'

function setup() {
  const api = new FakeApi()
  const store = createFerryStore(api)
  return { api, store, s: () => store.getState() }
}

describe('app slice', () => {
  it('loads app info and fills default folders', async () => {
    const { s } = setup()
    await s().loadAppInfo()
    expect(s().appInfo?.mode).toBe('browser')
    expect(s().hostRoot).toBe('/home/test/Ferry')
    expect(s().downloadDir).toBe('/home/test/Downloads')
  })

  it('keeps at most five notices and words errors as what happened and what to do, keeping the code', () => {
    const { s } = setup()
    for (let i = 0; i < 7; i++) s().notify('info', `n${i}`)
    expect(s().notices.map((n) => n.text)).toEqual(['n2', 'n3', 'n4', 'n5', 'n6'])
    s().notifyError({ code: 'NOT_FOUND', message: 'no such file' }, 'Open')
    expect(s().notices.at(-1)).toMatchObject({
      text: 'Open: no such file — it may have been moved or deleted: refresh and try again',
      code: 'NOT_FOUND',
    })
  })
})

describe('host slice', () => {
  it('starts with the form values and applies host events', async () => {
    const { api, s } = setup()
    s().setHostForm({ hostPort: '0', hostRoot: '/srv/share', hostBindAll: true })
    expect(await s().startHost()).toBe(true)
    expect(api.callsOf('startHost')).toEqual([
      [{ port: 0, root: '/srv/share', bindAll: true, tls: true, readOnly: false }],
    ])
    expect(s().hostStatus.running).toBe(true)
    const client = { id: 'c1', address: '10.0.0.2:5000', connectedAt: 1, idleTimeoutMs: 120_000 }
    s().applyHostEvents([
      { type: 'client-connected', client },
      {
        type: 'transfer',
        clientId: 'c1',
        direction: 'download',
        path: 'a.bin',
        state: 'progress',
        bytes: 5,
        total: 10,
      },
      { type: 'log', level: 'info', message: 'hello', time: 2 },
    ])
    expect(s().hostStatus.clients).toEqual([client])
    expect(s().hostActivity[0]).toMatchObject({ path: 'a.bin', bytes: 5, total: 10 })
    expect(s().hostLog.map((l) => l.message)).toEqual(['hello'])
    s().applyHostEvents([{ type: 'client-left', clientId: 'c1', reason: 'idle' }])
    expect(s().hostStatus.clients).toEqual([])
  })

  it('refuses a bad port without calling the back end', async () => {
    const { api, s } = setup()
    s().setHostForm({ hostPort: '70000', hostRoot: '/srv' })
    expect(await s().startHost()).toBe(false)
    expect(api.callsOf('startHost')).toHaveLength(0)
    expect(s().notices[0]?.kind).toBe('error')
  })
})

describe('connection slice', () => {
  it('connects, remembers the server in localStorage, and lists the root', async () => {
    const { api, s } = setup()
    api.addEntry('readme.txt', 'file', 10)
    s().setConnectForm({ connectHost: 'files.local', connectPort: '7421' })
    expect(await s().connect()).toBe(true)
    expect(s().connection.state).toBe('connected')
    expect(s().recentServers.map((r) => `${r.host}:${r.port}`)).toEqual(['files.local:7421'])
    await expect.poll(() => s().entries.map((e) => e.name)).toEqual(['readme.txt'])
    expect(localStorage.getItem(PERSIST_KEY)).toContain('files.local')
    // A fresh store (a new window) reads the remembered servers back.
    const again = createFerryStore(new FakeApi())
    expect(again.getState().recentServers[0]?.host).toBe('files.local')
  })

  it('records a failed connection as an error state', async () => {
    const { api, s } = setup()
    api.failNext('connect', 'CONNECTION_FAILED', 'connection refused')
    expect(await s().connect({ host: '127.0.0.1', port: 1 })).toBe(false)
    expect(s().connection).toEqual({
      state: 'error',
      error: { code: 'CONNECTION_FAILED', message: 'connection refused' },
    })
    expect(s().recentServers).toEqual([])
  })

  it('clears the listing when the back end reports a disconnect', async () => {
    const { api, store, s } = setup()
    const unbind = bindApiEvents(store, api, 0)
    api.addEntry('a', 'file')
    await s().connect({ host: 'h', port: 1 })
    await expect.poll(() => s().entries.length).toBe(1)
    api.connection.emit({ state: 'disconnected', reason: 'idle timeout' })
    expect(s().connection).toEqual({ state: 'disconnected', reason: 'idle timeout' })
    expect(s().entries).toEqual([])
    unbind()
  })
})

describe('browse slice', () => {
  async function browsing() {
    const ctx = setup()
    ctx.api.addEntry('b.txt', 'file', 300, 3)
    ctx.api.addEntry('a.txt', 'file', 100, 2)
    ctx.api.addEntry('zdir', 'dir', 0, 1)
    ctx.api.addEntry('c.txt', 'file', 200, 1)
    await ctx.s().connect({ host: 'h', port: 1 })
    await ctx.s().navigate('')
    return ctx
  }

  it('sorts folders first, then by the chosen column, toggling direction', async () => {
    const { s } = await browsing()
    expect(s().entries.map((e) => e.name)).toEqual(['zdir', 'a.txt', 'b.txt', 'c.txt'])
    s().setSort('size')
    expect(s().entries.map((e) => e.name)).toEqual(['zdir', 'a.txt', 'c.txt', 'b.txt'])
    s().setSort('size')
    expect(s().sort).toEqual({ key: 'size', dir: 'desc' })
    expect(s().entries.map((e) => e.name)).toEqual(['zdir', 'b.txt', 'c.txt', 'a.txt'])
  })

  it('selects single, toggles, and selects ranges in display order', async () => {
    const { s } = await browsing()
    s().select('a.txt', 'single')
    s().select('c.txt', 'range')
    expect([...s().selection].sort()).toEqual(['a.txt', 'b.txt', 'c.txt'])
    s().select('b.txt', 'toggle')
    expect([...s().selection].sort()).toEqual(['a.txt', 'c.txt'])
    s().select('zdir', 'single')
    expect([...s().selection]).toEqual(['zdir'])
  })

  it('creates, renames and deletes through the api and refreshes', async () => {
    const { api, s } = await browsing()
    expect(await s().makeFolder('new')).toBeNull()
    expect(s().entries.some((e) => e.name === 'new')).toBe(true)
    expect(await s().renameEntry('a.txt', 'renamed.txt')).toBeNull()
    expect(api.callsOf('renameRemote')).toEqual([['a.txt', 'renamed.txt']])
    expect(await s().deleteEntries(['zdir', 'b.txt'])).toEqual([])
    expect(api.callsOf('deleteRemote')).toEqual([
      ['zdir', true],
      ['b.txt', false],
    ])
    expect(s().entries.map((e) => e.name)).toEqual(['new', 'c.txt', 'renamed.txt'])
  })

  it('refuses invalid names locally and returns server errors to the dialog, not a toast', async () => {
    const { api, s } = await browsing()
    expect(await s().makeFolder('a/b')).toMatchObject({ code: 'PATH_INVALID' })
    expect(api.callsOf('makeRemoteFolder')).toHaveLength(0)
    expect(await s().makeFolder('zdir')).toEqual({ code: 'EXISTS', message: 'already exists: zdir' })
    expect(s().notices).toEqual([])
  })

  it('downloads the selection into the download folder', async () => {
    const { api, s } = await browsing()
    s().setDownloadDir('/tmp/dl')
    s().select('a.txt', 'single')
    s().select('zdir', 'toggle')
    await s().downloadSelected()
    expect(api.callsOf('download')).toEqual([[['a.txt', 'zdir'], '/tmp/dl']])
    // The "stop at the first failed file" choice travels with the next jobs.
    s().setStopOnError(true)
    await s().downloadSelected()
    expect(api.callsOf('download')[1]).toEqual([['a.txt', 'zdir'], '/tmp/dl', { stopOnError: true }])
  })
})

describe('transfers slice', () => {
  it('keeps newest first and refreshes the listing when an upload into the folder finishes', async () => {
    const { api, store, s } = setup()
    const unbind = bindApiEvents(store, api, 0)
    await s().connect({ host: 'h', port: 1 })
    const file = new File(['hello'], 'hello.txt')
    await s().uploadItems([{ file, relativePath: 'hello.txt' }])
    const [id] = [...api.transfers.keys()]
    await expect.poll(() => s().transferOrder).toEqual([id])
    const listsBefore = api.callsOf('listRemote').length
    api.addEntry('hello.txt', 'file', 5)
    api.update(id!, { state: 'done', bytes: 5 })
    await expect.poll(() => s().entries.map((e) => e.name)).toEqual(['hello.txt'])
    expect(api.callsOf('listRemote').length).toBe(listsBefore + 1)
    await s().clearFinished()
    expect(s().transferOrder).toEqual([])
    expect(api.callsOf('clearFinishedTransfers')).toHaveLength(1)
    expect(api.transfers.size).toBe(0)
    unbind()
  })
})

describe('perf slice', () => {
  const point = (clients: number) => ({
    clients,
    requests: 10,
    errors: 0,
    timeouts: 0,
    meanMs: clients,
    p50Ms: clients,
    p95Ms: clients * 2,
    p99Ms: clients * 3,
    maxMs: clients * 4,
    requestsPerSec: 100,
    mbPerSec: 1,
  })

  it('runs, collects points sorted by clients, and ignores other runs', async () => {
    const { api, s } = setup()
    s().toggleClientCount(8)
    await s().startPerf()
    expect(api.callsOf('startPerf')[0]?.[0]).toMatchObject({ clientCounts: [1, 2, 4] })
    const runId = s().perfRunId!
    s().applyPerfEvents([
      { type: 'point', runId, point: point(4) },
      { type: 'point', runId: 'other', point: point(64) },
      { type: 'point', runId, point: point(1) },
      { type: 'progress', runId, clients: 2, done: 3, total: 10 },
    ])
    expect(s().perfPoints.map((p) => p.clients)).toEqual([1, 4])
    expect(s().perfProgress).toEqual({ clients: 2, done: 3, total: 10 })
    s().applyPerfEvents([{ type: 'done', runId, points: [point(2), point(1), point(4)] }])
    expect(s().perfState).toBe('done')
    expect(s().perfPoints.map((p) => p.clients)).toEqual([1, 2, 4])
  })

  it('reports a failed run with its error', async () => {
    const { s } = setup()
    await s().startPerf()
    const runId = s().perfRunId!
    s().applyPerfEvents([{ type: 'failed', runId, error: { code: 'BUSY', message: 'server busy' } }])
    expect(s().perfState).toBe('failed')
    expect(s().perfError).toEqual({ code: 'BUSY', message: 'server busy' })
  })
})

describe('sortEntries', () => {
  it('compares names numerically', () => {
    const e = (name: string) => ({ name, path: name, type: 'file' as const, size: 0, mtimeMs: 0 })
    expect(
      sortEntries([e('file10'), e('file2'), e('File1')], { key: 'name', dir: 'asc' }).map((x) => x.name),
    ).toEqual(['File1', 'file2', 'file10'])
  })
})
