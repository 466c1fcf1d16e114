import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BatchResultsSchema, TreePageSchema } from '../protocol/messages'
import type { TestPeer } from './test-peer'
import { sha256, startTestServer, tree, type TestServer } from './test-fixtures'

let ts: TestServer
let peer: TestPeer
beforeEach(async () => {
  ts = await startTestServer()
  peer = await ts.peer()
})
afterEach(() => ts.stop())

type Mode = 'fail' | 'overwrite' | 'rename'

async function batch(
  files: Array<[string, string]>,
  mode: Mode = 'fail',
  extra: { lie?: number; skipIdentical?: boolean } = {},
) {
  const datas = files.map(([, text]) => Buffer.from(text))
  const body = Buffer.concat(datas)
  const header = {
    op: 'PUT_BATCH',
    id: 7,
    mode,
    files: files.map(([p], i) => ({
      path: p,
      size: datas[i]!.length,
      sha256: i === extra.lie ? sha256(Buffer.from('something else')) : sha256(datas[i]!),
    })),
    body: body.length,
    ...(extra.skipIdentical ? { skipIdentical: true } : {}),
  }
  const res = await peer.request(header, body)
  if (res.header['ok'] !== true) return { header: res.header, results: null }
  return { header: res.header, results: BatchResultsSchema.parse(JSON.parse(String(res.body))) }
}

describe('PUT_BATCH', () => {
  it('stores every file, verified, and answers one result per file in order', async () => {
    await fsp.mkdir(path.join(ts.root, 'docs'))
    const { results } = await batch([
      ['a.txt', 'alpha'],
      ['docs/b.txt', 'beta'],
      ['empty.txt', ''],
    ])
    expect(results).toEqual([
      { ok: true, path: 'a.txt', size: 5, sha256: sha256(Buffer.from('alpha')) },
      { ok: true, path: 'docs/b.txt', size: 4, sha256: sha256(Buffer.from('beta')) },
      { ok: true, path: 'empty.txt', size: 0, sha256: sha256(Buffer.alloc(0)) },
    ])
    expect(await fsp.readFile(path.join(ts.root, 'docs/b.txt'), 'utf8')).toBe('beta')
    // Nothing staged is left behind, and nothing partial is visible.
    expect(await tree(path.join(ts.root, '.ferry', 'tmp'))).toEqual([])
  })

  it('fails only the files that are wrong: a bad hash, a taken name, a missing folder, an unsafe path', async () => {
    await fsp.writeFile(path.join(ts.root, 'taken.txt'), 'old')
    const { results } = await batch(
      [
        ['good.txt', 'fine'],
        ['lied.txt', 'bytes'],
        ['taken.txt', 'new'],
        ['nowhere/x.txt', 'x'],
        ['../escape.txt', 'x'],
        ['.ferry/tmp/sneak', 'x'],
      ],
      'fail',
      { lie: 1 },
    )
    expect(results?.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'ok',
      'CHECKSUM_MISMATCH',
      'EXISTS',
      'NOT_FOUND',
      'PATH_INVALID',
      'PATH_INVALID',
    ])
    expect(await fsp.readFile(path.join(ts.root, 'taken.txt'), 'utf8')).toBe('old')
    expect(await tree(ts.root)).toEqual(['.ferry', '.ferry/partial', '.ferry/tmp', 'good.txt', 'taken.txt'])
  })

  it('rename mode picks a numbered name; overwrite replaces', async () => {
    await fsp.writeFile(path.join(ts.root, 'n.txt'), 'old')
    const renamed = await batch([['n.txt', 'second']], 'rename')
    expect(renamed.results?.[0]).toMatchObject({ ok: true, path: 'n (2).txt' })
    const over = await batch([['n.txt', 'third']], 'overwrite')
    expect(over.results?.[0]).toMatchObject({ ok: true, path: 'n.txt' })
    expect(await fsp.readFile(path.join(ts.root, 'n.txt'), 'utf8')).toBe('third')
  })

  it('with skipIdentical, a file already there with the same bytes counts as stored, not EXISTS', async () => {
    await fsp.writeFile(path.join(ts.root, 'same.txt'), 'same')
    await fsp.writeFile(path.join(ts.root, 'other.txt'), 'different')
    const { results } = await batch(
      [
        ['same.txt', 'same'],
        ['other.txt', 'changed!!'],
      ],
      'fail',
      { skipIdentical: true },
    )
    expect(results?.[0]).toMatchObject({ ok: true, path: 'same.txt', existed: true })
    expect(results?.[1]).toMatchObject({ ok: false, error: { code: 'EXISTS' } })
  })

  it('refuses a body that does not add up, and keeps serving', async () => {
    const res = await peer.request(
      {
        op: 'PUT_BATCH',
        id: 3,
        mode: 'fail',
        files: [{ path: 'a', size: 3, sha256: sha256(Buffer.from('abc')) }],
        body: 2,
      },
      Buffer.from('ab'),
    )
    expect(res.header).toMatchObject({ ok: false, error: { code: 'PROTOCOL' } })
    expect((await peer.request({ op: 'PING', id: 4 })).header['ok']).toBe(true)
    expect(await tree(ts.root)).toEqual(['.ferry', '.ferry/partial', '.ferry/tmp'])
  })
})

describe('PUT_BATCH on a read-only share', () => {
  it('answers READ_ONLY and skips the body', async () => {
    await ts.stop()
    ts = await startTestServer({ readOnly: true })
    peer = await ts.peer()
    const { header } = await batch([['a.txt', 'alpha']])
    expect(header).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } })
    expect((await peer.request({ op: 'PING', id: 9 })).header['ok']).toBe(true)
  })
})

describe('TREE', () => {
  async function page(p: string, after?: string) {
    const res = await peer.request({ op: 'TREE', id: 5, path: p, ...(after ? { after } : {}) })
    if (res.header['ok'] !== true) return { header: res.header, entries: [] }
    return { header: res.header, entries: TreePageSchema.parse(JSON.parse(String(res.body))) }
  }

  it('lists a whole tree depth first in name order, folders before their contents', async () => {
    await fsp.mkdir(path.join(ts.root, 'top/b/deep'), { recursive: true })
    await fsp.mkdir(path.join(ts.root, 'top/a'), { recursive: true })
    await fsp.writeFile(path.join(ts.root, 'top/z.txt'), 'zz')
    await fsp.writeFile(path.join(ts.root, 'top/b/deep/f.txt'), 'f')
    const { header, entries } = await page('top')
    expect(header['next']).toBeUndefined()
    expect(entries.map((e) => `${e.type} ${e.path}`)).toEqual([
      'dir top/a',
      'dir top/b',
      'dir top/b/deep',
      'file top/b/deep/f.txt',
      'file top/z.txt',
    ])
    expect(entries.at(-1)?.size).toBe(2)
  })

  it('pages a large folder and resumes exactly after the last path, from any connection', async () => {
    await fsp.mkdir(path.join(ts.root, 'many/sub'), { recursive: true })
    const names: string[] = []
    for (let i = 0; i < 5000; i++) names.push(`f${String(i).padStart(5, '0')}`)
    await Promise.all(names.map((n) => fsp.writeFile(path.join(ts.root, 'many', n), '')))
    await fsp.writeFile(path.join(ts.root, 'many/sub/last'), '')
    const seen: string[] = []
    let after: string | undefined
    let pages = 0
    for (;;) {
      if (pages === 1) peer = await ts.peer()
      const { header, entries } = await page('many', after)
      pages++
      seen.push(...entries.map((e) => e.path))
      if (header['next'] === undefined) break
      after = String(header['next'])
      expect(after).toBe(entries.at(-1)?.path)
    }
    expect(pages).toBeGreaterThan(1)
    expect(seen).toEqual([...names.map((n) => `many/${n}`), 'many/sub', 'many/sub/last'])
  })

  it('refuses a mark outside the folder, a file, and paths outside the share', async () => {
    await fsp.writeFile(path.join(ts.root, 'file.txt'), 'x')
    expect((await page('', 'x')).header['ok']).toBe(true)
    expect((await page('file.txt')).header).toMatchObject({ ok: false, error: { code: 'NOT_A_DIRECTORY' } })
    expect((await page('../up')).header).toMatchObject({ ok: false, error: { code: 'PATH_INVALID' } })
    await fsp.mkdir(path.join(ts.root, 'd'))
    expect((await page('d', 'file.txt')).header).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    })
  })

  it('never lists the server bookkeeping folder', async () => {
    await fsp.writeFile(path.join(ts.root, 'a'), 'x')
    expect((await page('')).entries.map((e) => e.path)).toEqual(['a'])
  })
})
