import { randomBytes } from 'node:crypto'
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { encodeHeader } from '../protocol/frame-codec'
import { ResponseSchemas } from '../protocol/messages'
import type { TransferEvent } from './events'
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

async function put(
  p: TestPeer,
  id: number,
  file: string,
  data: Buffer,
  mode: Mode,
  extra: Record<string, unknown> = {},
) {
  const ready = await p.request({
    op: 'PUT',
    id,
    path: file,
    size: data.length,
    sha256: sha256(data),
    mode,
    ...extra,
  })
  if (!ready.header['ok']) return ready.header
  const offset = ResponseSchemas.PUT_READY.parse(ready.header).offset
  return (await p.request({ op: 'DATA', id, body: data.length - offset }, data.subarray(offset))).header
}

const visible = async (): Promise<string[]> => (await tree(ts.root)).filter((f) => !f.startsWith('.ferry'))
const partials = async (): Promise<string[]> => fsp.readdir(path.join(ts.root, '.ferry', 'partial'))

describe('PUT', () => {
  it('stores a new file (fail mode) and answers done with its hash', async () => {
    const data = randomBytes(300_000)
    const done = ResponseSchemas.PUT_DONE.parse(await put(peer, 1, 'new.bin', data, 'fail'))
    expect(done).toMatchObject({ path: 'new.bin', size: data.length, sha256: sha256(data) })
    expect((await fsp.readFile(path.join(ts.root, 'new.bin'))).equals(data)).toBe(true)
    expect(await partials()).toEqual([])
    expect((await put(peer, 2, 'new.bin', data, 'fail')).error).toMatchObject({ code: 'EXISTS' })
  })

  it('stores an empty file', async () => {
    expect(await put(peer, 1, 'empty', Buffer.alloc(0), 'fail')).toMatchObject({
      ok: true,
      done: true,
      size: 0,
    })
    expect(await fsp.readFile(path.join(ts.root, 'empty'), 'utf8')).toBe('')
  })

  it('overwrites in place and numbers the name in rename mode', async () => {
    await fsp.mkdir(path.join(ts.root, 'd'))
    await fsp.writeFile(path.join(ts.root, 'd', 'a.txt'), 'old')
    expect(await put(peer, 1, 'd/a.txt', Buffer.from('new'), 'overwrite')).toMatchObject({
      ok: true,
      path: 'd/a.txt',
    })
    expect(await fsp.readFile(path.join(ts.root, 'd', 'a.txt'), 'utf8')).toBe('new')
    expect(await put(peer, 2, 'd/a.txt', Buffer.from('two'), 'rename')).toMatchObject({ path: 'd/a (2).txt' })
    expect(await put(peer, 3, 'd/a.txt', Buffer.from('three'), 'rename')).toMatchObject({
      path: 'd/a (3).txt',
    })
    expect(await put(peer, 4, 'd/b', Buffer.from('b'), 'rename')).toMatchObject({ path: 'd/b' })
    expect(await fsp.readFile(path.join(ts.root, 'd', 'a (3).txt'), 'utf8')).toBe('three')
    expect(await visible()).toEqual(['d', 'd/a (2).txt', 'd/a (3).txt', 'd/a.txt', 'd/b'])
  })

  it('refuses before ready: folder target, missing or file parent, too large, no space', async () => {
    await ts.stop()
    ts = await startTestServer({ maxFileBytes: 10 })
    peer = await ts.peer()
    await fsp.mkdir(path.join(ts.root, 'd'))
    await fsp.writeFile(path.join(ts.root, 'f'), 'x')
    const codeOf = async (file: string, size: number) =>
      (
        (
          await peer.request({
            op: 'PUT',
            id: 1,
            path: file,
            size,
            sha256: '0'.repeat(64),
            mode: 'overwrite',
          })
        ).header['error'] as { code: string }
      ).code
    expect(await codeOf('d', 1)).toBe('IS_A_DIRECTORY')
    expect(await codeOf('missing/x', 1)).toBe('NOT_FOUND')
    expect(await codeOf('f/x', 1)).toBe('NOT_A_DIRECTORY')
    expect(await codeOf('', 1)).toBe('PATH_INVALID')
    expect(await codeOf('big', 11)).toBe('TOO_LARGE')
    expect(await visible()).toEqual(['d', 'f'])
  })

  it('refuses an upload larger than the free space', async (ctx) => {
    const free = await fsp.statfs(ts.root)
    if (free.bavail * free.bsize >= 2 ** 40) ctx.skip('temp folder has over 1 TiB free')
    const res = await peer.request({
      op: 'PUT',
      id: 1,
      path: 'huge',
      size: 2 ** 40,
      sha256: '0'.repeat(64),
      mode: 'fail',
    })
    expect(res.header['error']).toMatchObject({ code: 'NO_SPACE' })
  })

  it('on a checksum mismatch keeps the old file and leaves nothing behind', async () => {
    await fsp.writeFile(path.join(ts.root, 'keep.txt'), 'original')
    const data = Buffer.from('replacement')
    await peer.request({
      op: 'PUT',
      id: 1,
      path: 'keep.txt',
      size: data.length,
      sha256: sha256(Buffer.from('other')),
      mode: 'overwrite',
    })
    const res = await peer.request({ op: 'DATA', id: 1, body: data.length }, data)
    expect(res.header['error']).toMatchObject({ code: 'CHECKSUM_MISMATCH' })
    expect(await fsp.readFile(path.join(ts.root, 'keep.txt'), 'utf8')).toBe('original')
    expect(await visible()).toEqual(['keep.txt'])
    expect(await partials()).toEqual([])
    expect((await peer.request({ op: 'PING', id: 2 })).header.ok).toBe(true)
  })

  it('refuses DATA of the wrong length with SIZE_MISMATCH and stays usable', async () => {
    const data = Buffer.from('12345')
    await peer.request({ op: 'PUT', id: 1, path: 'x', size: 5, sha256: sha256(data), mode: 'fail' })
    const res = await peer.request({ op: 'DATA', id: 1, body: 3 }, data.subarray(0, 3))
    expect(res.header['error']).toMatchObject({ code: 'SIZE_MISMATCH' })
    expect(await visible()).toEqual([])
    expect(await put(peer, 2, 'x', data, 'fail')).toMatchObject({ ok: true, path: 'x' })
  })

  it('CANCEL abandons a ready PUT', async () => {
    const ready = await peer.request({
      op: 'PUT',
      id: 1,
      path: 'c',
      size: 1,
      sha256: sha256(Buffer.from('c')),
      mode: 'fail',
    })
    expect(ready.header).toMatchObject({ ok: true, ready: true, offset: 0 })
    expect((await peer.request({ op: 'CANCEL', id: 1 })).header).toEqual({ re: 1, ok: true })
    expect(
      (await peer.request({ op: 'DATA', id: 1, body: 1 }, Buffer.from('c'))).header['error'],
    ).toMatchObject({
      code: 'PROTOCOL',
    })
    expect(await visible()).toEqual([])
  })

  it('resumes after a connection dropped mid-body, showing nothing until complete', async () => {
    const data = randomBytes(2 * 1024 * 1024)
    const header = {
      op: 'PUT',
      path: 'big.bin',
      size: data.length,
      sha256: sha256(data),
      mode: 'fail',
      resume: true,
    }
    expect((await peer.request({ id: 1, ...header })).header).toMatchObject({ ok: true, offset: 0 })
    const left = new Promise((resolve) => ts.server.once('client-left', resolve))
    const sent = 1024 * 1024 + 3
    peer.sendRaw(
      Buffer.concat([encodeHeader({ op: 'DATA', id: 1, body: data.length }), data.subarray(0, sent)]),
    )
    await peer.destroy()
    await left
    expect(await visible()).toEqual([])
    expect(await partials()).toHaveLength(1)

    const again = await ts.peer()
    const ready = ResponseSchemas.PUT_READY.parse((await again.request({ id: 7, ...header })).header)
    expect(ready.offset).toBeGreaterThan(0)
    expect(ready.offset).toBeLessThanOrEqual(sent)
    const done = await again.request(
      { op: 'DATA', id: 7, body: data.length - ready.offset },
      data.subarray(ready.offset),
    )
    expect(done.header).toMatchObject({ ok: true, path: 'big.bin', sha256: sha256(data) })
    expect((await fsp.readFile(path.join(ts.root, 'big.bin'))).equals(data)).toBe(true)
    expect(await partials()).toEqual([])
  })

  it('starts over when resume is not asked for', async () => {
    const data = Buffer.from('abcdef')
    const header = { op: 'PUT', path: 'r', size: 6, sha256: sha256(data), mode: 'fail' }
    await peer.request({ id: 1, ...header, resume: true })
    const left = new Promise((resolve) => ts.server.once('client-left', resolve))
    peer.sendRaw(Buffer.concat([encodeHeader({ op: 'DATA', id: 1, body: 6 }), data.subarray(0, 3)]))
    await peer.destroy()
    await left
    const again = await ts.peer()
    expect((await again.request({ id: 2, ...header })).header).toMatchObject({ ok: true, offset: 0 })
    expect((await again.request({ op: 'DATA', id: 2, body: 6 }, data)).header).toMatchObject({ ok: true })
    expect(await fsp.readFile(path.join(ts.root, 'r'), 'utf8')).toBe('abcdef')
  })

  it('keeps two simultaneous uploads to one name intact', async () => {
    const other = await ts.peer()
    const a = randomBytes(500_000)
    const b = randomBytes(700_000)
    const same = randomBytes(400_000)
    const [ra, rb] = await Promise.all([
      put(peer, 1, 'x', a, 'overwrite'),
      put(other, 1, 'x', b, 'overwrite'),
    ])
    expect([ra['ok'], rb['ok']]).toEqual([true, true])
    const final = await fsp.readFile(path.join(ts.root, 'x'))
    expect(final.equals(a) || final.equals(b)).toBe(true)
    // Identical uploads share a resumable slot; the second must get its own file.
    const both = await Promise.all([put(peer, 2, 'y', same, 'rename'), put(other, 2, 'y', same, 'rename')])
    expect(both.map((r) => r['path']).sort()).toEqual(['y', 'y (2)'])
    expect((await fsp.readFile(path.join(ts.root, 'y (2)'))).equals(same)).toBe(true)
    expect(await partials()).toEqual([])
  })

  it('reports upload transfers', async () => {
    const events: TransferEvent[] = []
    ts.server.on('transfer', (e) => events.push(e))
    await put(peer, 1, 'ok', Buffer.from('fine'), 'fail')
    await put(peer, 2, 'ok', Buffer.from('fine'), 'fail')
    await peer.request({ op: 'PUT', id: 3, path: 'bad', size: 1, sha256: '0'.repeat(64), mode: 'fail' })
    await peer.request({ op: 'DATA', id: 3, body: 1 }, Buffer.from('z'))
    expect(events.map((e) => [e.path, e.state, e.error?.code])).toEqual([
      ['ok', 'started', undefined],
      ['ok', 'done', undefined],
      ['bad', 'started', undefined],
      ['bad', 'failed', 'CHECKSUM_MISMATCH'],
    ])
  })
})
