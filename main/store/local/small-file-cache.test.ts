import { promises as fsp, type Stats } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ResponseSchemas } from '../../protocol/messages'
import type { LocalStore } from './local-store'
import { SmallFileCache } from './small-file-cache'
import { sha256, startTestServer, type TestServer } from '../../server/test-fixtures'
import type { TestPeer } from '../../server/test-peer'

const NOW = 1_700_000_000_123.5

function stats(fields: Partial<Stats> = {}): Stats {
  const base = { dev: 1, ino: 7, size: 4, mtimeMs: NOW - 60_000.25, ctimeMs: NOW - 60_000.25, ...fields }
  return { ...base, isFile: () => true } as unknown as Stats
}

describe('SmallFileCache', () => {
  const data = Buffer.from('abcd')

  it('serves an entry only while the identity is unchanged', () => {
    const cache = new SmallFileCache()
    cache.offer('f', data, 'h', stats(), stats(), NOW)
    expect(cache.get('f', stats())?.data.equals(data)).toBe(true)
    for (const changed of [{ ino: 8 }, { dev: 2 }, { mtimeMs: NOW - 1 }, { ctimeMs: NOW - 1 }, { size: 5 }]) {
      const c = new SmallFileCache()
      c.offer('f', data, 'h', stats(), stats(), NOW)
      expect(c.get('f', stats(changed))).toBeNull()
      expect(c.size).toBe(0)
    }
  })

  it('does not keep what changed during the read or changed too recently', () => {
    const cache = new SmallFileCache()
    cache.offer('moved', data, 'h', stats(), stats({ ctimeMs: NOW }), NOW)
    cache.offer('fresh', data, 'h', stats({ ctimeMs: NOW - 50.5 }), stats({ ctimeMs: NOW - 50.5 }), NOW)
    // Whole-second timestamps (FAT, ext3): a change 2 s ago may share its stamp with the next write.
    const coarse = stats({ mtimeMs: NOW - 2123.5, ctimeMs: NOW - 2123.5 })
    cache.offer('coarse', data, 'h', coarse, coarse, NOW)
    cache.offer('short', data.subarray(0, 2), 'h', stats(), stats(), NOW)
    expect(cache.size).toBe(0)
    cache.offer('settled', data, 'h', stats({ ctimeMs: NOW - 200.5 }), stats({ ctimeMs: NOW - 200.5 }), NOW)
    expect(cache.size).toBe(1)
  })

  it('stays within its byte budget, least recently used out first', () => {
    const cache = new SmallFileCache({ maxBytes: 10 })
    cache.offer('a', data, 'h', stats(), stats(), NOW)
    cache.offer('b', data, 'h', stats(), stats(), NOW)
    expect(cache.get('a', stats())).not.toBeNull()
    cache.offer('c', data, 'h', stats(), stats(), NOW)
    expect(cache.heldBytes).toBe(8)
    expect(cache.get('b', stats())).toBeNull()
    expect(cache.get('a', stats())).not.toBeNull()
    expect(cache.get('c', stats())).not.toBeNull()
    cache.offer('big', Buffer.alloc(11), 'h', stats({ size: 11 }), stats({ size: 11 }), NOW)
    expect(cache.get('big', stats({ size: 11 }))).toBeNull()
  })
})

describe('GET with the small-file cache', () => {
  let ts: TestServer
  let peer: TestPeer
  let nextId = 1
  afterEach(() => ts.stop())

  // settledMs below zero caches files at once, so the tests need not wait for their files to age.
  async function start(): Promise<void> {
    ts = await startTestServer({ smallFileCache: { settledMs: -60_000, coarseSettledMs: -60_000 } })
    peer = await ts.peer()
  }

  async function get(file: string): Promise<{ ok: boolean; body?: Buffer; sha?: unknown; code?: unknown }> {
    const start = await peer.request({ op: 'GET', id: nextId++, path: file })
    if (start.header['ok'] !== true)
      return { ok: false, code: (start.header['error'] as { code: string }).code }
    ResponseSchemas.GET_START.parse(start.header)
    const done = await peer.next()
    return { ok: true, body: start.body ?? undefined, sha: done.header['sha256'] }
  }

  function cache() {
    const store = (ts.server as unknown as { ctx: { store: LocalStore } }).ctx.store
    return store.ctx.smallFiles!
  }

  it('serves a file modified after it was cached fresh, with the right hash', async () => {
    await start()
    await fsp.mkdir(path.join(ts.root, 'd'))
    const file = path.join(ts.root, 'd', 'f.txt')
    await fsp.writeFile(file, 'first version')
    expect(await get('d/f.txt')).toMatchObject({ ok: true, sha: sha256(Buffer.from('first version')) })
    expect(cache().size).toBe(1)
    expect((await get('d/f.txt')).body?.toString()).toBe('first version')
    for (const next of ['second, longer version', 'same length as it!!!!!']) {
      // Replaced through a rename (a new inode), then rewritten in place with another length.
      await fsp.writeFile(file + '.new', next)
      await fsp.rename(file + '.new', file)
      const got = await get('d/f.txt')
      expect(got.body?.toString()).toBe(next)
      expect(got.sha).toBe(sha256(Buffer.from(next)))
    }
    await fsp.writeFile(file, 'short')
    expect((await get('d/f.txt')).body?.toString()).toBe('short')
    await fsp.rm(file)
    expect(await get('d/f.txt')).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  })

  it('refuses a file once a cached parent folder became a symlink leading out, even to the same folder', async () => {
    await start()
    await fsp.mkdir(path.join(ts.root, 'd'))
    await fsp.writeFile(path.join(ts.root, 'd', 'f.txt'), 'inside')
    expect((await get('d/f.txt')).body?.toString()).toBe('inside')
    expect(cache().size).toBe(1)
    // The very folder (same inodes) moved out of the share, with a symlink left in its place.
    const outside = path.join(ts.base, 'moved-out')
    await fsp.rename(path.join(ts.root, 'd'), outside)
    await fsp.symlink(outside, path.join(ts.root, 'd'))
    expect(await get('d/f.txt')).toMatchObject({ ok: false, code: 'PATH_INVALID' })
    // A symlink to another outside folder holding a file of the same name.
    await fsp.rm(path.join(ts.root, 'd'))
    const other = path.join(ts.base, 'other')
    await fsp.mkdir(other)
    await fsp.writeFile(path.join(other, 'f.txt'), 'outside')
    await fsp.symlink(other, path.join(ts.root, 'd'))
    expect(await get('d/f.txt')).toMatchObject({ ok: false, code: 'PATH_INVALID' })
  })

  it('refuses a cached file that was swapped for a symlink leading out', async () => {
    await start()
    const file = path.join(ts.root, 'f.txt')
    await fsp.writeFile(file, 'inside')
    expect((await get('f.txt')).body?.toString()).toBe('inside')
    const outside = path.join(ts.base, 'secret.txt')
    await fsp.rename(file, outside)
    await fsp.symlink(outside, file)
    expect(await get('f.txt')).toMatchObject({ ok: false, code: 'PATH_INVALID' })
  })
})
