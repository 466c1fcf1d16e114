import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ListingSchema, ResponseSchemas } from '../protocol/messages'
import type { TestPeer } from './test-peer'
import { startTestServer, tree, type TestServer } from './test-fixtures'

let ts: TestServer
let peer: TestPeer
let nextId = 1
beforeEach(async () => {
  ts = await startTestServer()
  peer = await ts.peer()
})
afterEach(() => ts.stop())

async function call(header: Record<string, unknown>) {
  return peer.request({ id: nextId++, ...header })
}
async function errorOf(header: Record<string, unknown>): Promise<string> {
  const res = await call(header)
  expect(res.header['ok']).toBe(false)
  return (res.header['error'] as { code: string }).code
}

describe('file operations', () => {
  it('LIST returns files and folders, hides reserved and invalid names and other types', async () => {
    await fsp.writeFile(path.join(ts.root, 'b.txt'), 'hello')
    await fsp.mkdir(path.join(ts.root, 'a-dir'))
    await fsp.writeFile(path.join(ts.root, 'bad name.'), 'x')
    await fsp.writeFile(path.join(ts.root, '.ferry-tmp-1'), 'x')
    await fsp.symlink(path.join(ts.root, 'b.txt'), path.join(ts.root, 'link-in'))
    const res = await call({ op: 'LIST', path: '' })
    ResponseSchemas.LIST.parse(res.header)
    const entries = ListingSchema.parse(JSON.parse(res.body!.toString('utf8')))
    expect(res.header['count']).toBe(entries.length)
    expect(entries.map((e) => [e.name, e.type, e.size])).toEqual([
      ['a-dir', 'dir', 0],
      ['b.txt', 'file', 5],
      ['link-in', 'file', 5],
    ])
    expect(await errorOf({ op: 'LIST', path: 'b.txt' })).toBe('NOT_A_DIRECTORY')
    expect(await errorOf({ op: 'LIST', path: 'nope' })).toBe('NOT_FOUND')
  })

  it('STAT describes files, folders and the root', async () => {
    await fsp.mkdir(path.join(ts.root, 'd'))
    await fsp.writeFile(path.join(ts.root, 'd', 'f.bin'), Buffer.alloc(1234))
    const file = await call({ op: 'STAT', path: 'd/f.bin' })
    expect(ResponseSchemas.STAT.parse(file.header).entry).toMatchObject({
      path: 'd/f.bin',
      name: 'f.bin',
      type: 'file',
      size: 1234,
    })
    const dir = await call({ op: 'STAT', path: 'd' })
    expect(ResponseSchemas.STAT.parse(dir.header).entry).toMatchObject({ name: 'd', type: 'dir', size: 0 })
    expect(ResponseSchemas.STAT.parse((await call({ op: 'STAT', path: '' })).header).entry.type).toBe('dir')
    expect(await errorOf({ op: 'STAT', path: 'd/missing' })).toBe('NOT_FOUND')
  })

  it('MKDIR creates one level, or all with parents', async () => {
    expect((await call({ op: 'MKDIR', path: 'x' })).header).toMatchObject({ ok: true, path: 'x' })
    expect(await errorOf({ op: 'MKDIR', path: 'x' })).toBe('EXISTS')
    expect(await errorOf({ op: 'MKDIR', path: 'p/q/r' })).toBe('NOT_FOUND')
    expect((await call({ op: 'MKDIR', path: 'p/q/r', parents: true })).header).toMatchObject({
      ok: true,
      path: 'p/q/r',
    })
    expect((await call({ op: 'MKDIR', path: 'p/q', parents: true })).header.ok).toBe(true)
    await fsp.writeFile(path.join(ts.root, 'file'), 'x')
    expect(await errorOf({ op: 'MKDIR', path: 'file/sub', parents: true })).toBe('NOT_A_DIRECTORY')
    expect(await errorOf({ op: 'MKDIR', path: 'file', parents: true })).toBe('EXISTS')
    expect(await tree(ts.root)).toEqual([
      '.ferry',
      '.ferry/partial',
      '.ferry/tmp',
      'file',
      'p',
      'p/q',
      'p/q/r',
      'x',
    ])
  })

  it('DELETE removes files and empty folders, folders with content only when recursive', async () => {
    await fsp.mkdir(path.join(ts.root, 'd/e'), { recursive: true })
    await fsp.writeFile(path.join(ts.root, 'd/e/f'), 'x')
    await fsp.writeFile(path.join(ts.root, 'g'), 'x')
    expect(await errorOf({ op: 'DELETE', path: 'd' })).toBe('NOT_EMPTY')
    expect(await errorOf({ op: 'DELETE', path: 'missing' })).toBe('NOT_FOUND')
    expect(await errorOf({ op: 'DELETE', path: '' })).toBe('PATH_INVALID')
    expect((await call({ op: 'DELETE', path: 'g' })).header).toEqual({ re: nextId - 1, ok: true })
    expect((await call({ op: 'DELETE', path: 'd', recursive: true })).header.ok).toBe(true)
    expect(await tree(ts.root)).toEqual(['.ferry', '.ferry/partial', '.ferry/tmp'])
  })

  it('RENAME moves files and folders, honours mode, refuses moving a folder into itself', async () => {
    await fsp.mkdir(path.join(ts.root, 'd'))
    await fsp.writeFile(path.join(ts.root, 'a'), 'A')
    await fsp.writeFile(path.join(ts.root, 'b'), 'B')
    expect(await errorOf({ op: 'RENAME', from: 'a', to: 'b' })).toBe('EXISTS')
    expect(await errorOf({ op: 'RENAME', from: 'a', to: 'd', mode: 'overwrite' })).toBe('IS_A_DIRECTORY')
    expect(await errorOf({ op: 'RENAME', from: 'missing', to: 'c' })).toBe('NOT_FOUND')
    expect(await errorOf({ op: 'RENAME', from: 'd', to: 'd/inner' })).toBe('INVALID_ARGUMENT')
    expect(await errorOf({ op: 'RENAME', from: 'a', to: 'nowhere/a' })).toBe('NOT_FOUND')
    expect((await call({ op: 'RENAME', from: 'a', to: 'b', mode: 'overwrite' })).header).toMatchObject({
      ok: true,
      path: 'b',
    })
    expect(await fsp.readFile(path.join(ts.root, 'b'), 'utf8')).toBe('A')
    expect((await call({ op: 'RENAME', from: 'b', to: 'd/c' })).header).toMatchObject({
      ok: true,
      path: 'd/c',
    })
    expect((await call({ op: 'RENAME', from: 'd', to: 'e' })).header.ok).toBe(true)
    expect(await tree(ts.root)).toEqual(['.ferry', '.ferry/partial', '.ferry/tmp', 'e', 'e/c'])
  })

  it('refuses writes on a read-only share', async () => {
    await ts.stop()
    ts = await startTestServer({ readOnly: true })
    peer = await ts.peer()
    await fsp.writeFile(path.join(ts.root, 'a'), 'A')
    expect(await errorOf({ op: 'MKDIR', path: 'x' })).toBe('READ_ONLY')
    expect(await errorOf({ op: 'DELETE', path: 'a' })).toBe('READ_ONLY')
    expect(await errorOf({ op: 'RENAME', from: 'a', to: 'b' })).toBe('READ_ONLY')
    expect(await errorOf({ op: 'PUT', path: 'n', size: 0, sha256: 'e'.repeat(64), mode: 'fail' })).toBe(
      'READ_ONLY',
    )
    expect((await call({ op: 'LIST', path: '' })).header.ok).toBe(true)
  })
})
