// against the real : round trips with hashes compared, folders, auth, read-only, idle.
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { FerryError } from '../protocol/error-codes'
import { codeOf, setupRealServer } from './test-fixtures'

const fx = setupRealServer('ferry-client-it-')
const { start, connect } = fx

async function fileSha(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of (await fs.open(file)).createReadStream()) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

describe('FerryClient with FerryServer', () => {
  for (const size of [0, 1, 64 * 1024 * 1024]) {
    it(`round-trips a ${size}-byte file through upload and download`, async () => {
      const client = await start()
      const source = path.join(fx.local, 'source.bin')
      await fs.writeFile(source, randomBytes(size))
      const sha = await fileSha(source)
      const up = await client.upload(source, 'stored.bin')
      expect(up).toEqual({ path: 'stored.bin', size, sha256: sha })
      expect(await fileSha(path.join(fx.share, 'stored.bin'))).toBe(sha)
      const target = path.join(fx.local, 'back.bin')
      const down = await client.download('stored.bin', target)
      expect(down).toEqual({ path: target, size, sha256: sha })
      expect(await fileSha(target)).toBe(sha)
      expect((await fs.readdir(fx.local)).sort()).toEqual(['back.bin', 'source.bin'])
    })
  }

  it('round-trips many small files in memory and on disk', async () => {
    const client = await start()
    const files = Array.from({ length: 100 }, (_, i) => randomBytes(i * 37))
    for (const [i, data] of files.entries()) await client.putBuffer(`small-${i}.bin`, data)
    for (const [i, data] of files.entries())
      expect((await client.getBuffer(`small-${i}.bin`)).equals(data)).toBe(true)
    for (const [i, data] of files.slice(0, 20).entries()) {
      const target = path.join(fx.local, `small-${i}.bin`)
      await client.download(`small-${i}.bin`, target)
      expect((await fs.readFile(target)).equals(data)).toBe(true)
    }
    expect((await client.list('')).length).toBe(100)
  })

  it('round-trips a folder tree', async () => {
    const client = await start()
    const source = path.join(fx.local, 'album')
    const files: Record<string, Buffer> = {
      'a.txt': Buffer.from('alpha'),
      'empty.bin': Buffer.alloc(0),
      'été/ファイル.bin': randomBytes(70_000),
      'deep/er/still/x.dat': randomBytes(1000),
    }
    for (const [rel, data] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(source, rel)), { recursive: true })
      await fs.writeFile(path.join(source, rel), data)
    }
    await fs.mkdir(path.join(source, 'nothing-here'))
    const stored: string[] = []
    const up = await client.uploadTree(source, '', { onFile: (f) => stored.push(f.remotePath) })
    expect(up.failed).toEqual([])
    expect(stored.sort()).toEqual(
      Object.keys(files)
        .map((f) => `album/${f}`)
        .sort(),
    )
    const target = path.join(fx.local, 'copy')
    const progress: number[] = []
    const down = await client.downloadTree('album', target, { onProgress: (p) => progress.push(p.bytes) })
    expect(down).toMatchObject({ filesTotal: 4, done: 4, failed: [] })
    expect(progress.at(-1)).toBe(71_005)
    for (const [rel, data] of Object.entries(files)) {
      expect((await fs.readFile(path.join(target, rel))).equals(data)).toBe(true)
    }
    expect((await fs.stat(path.join(target, 'nothing-here'))).isDirectory()).toBe(true)
  })

  it('lists, stats, renames and deletes', async () => {
    const client = await start()
    expect(await client.mkdir('a/b', { parents: true })).toBe('a/b')
    await client.putBuffer('a/b/f.txt', Buffer.from('hi'))
    expect(await client.stat('a/b/f.txt')).toMatchObject({ path: 'a/b/f.txt', type: 'file', size: 2 })
    expect(await client.rename('a/b/f.txt', 'a/g.txt')).toBe('a/g.txt')
    expect((await client.list('a')).map((e) => e.name).sort()).toEqual(['b', 'g.txt'])
    await client.delete('a', { recursive: true })
    expect(await codeOf(client.stat('a'))).toBe('NOT_FOUND')
    expect(await client.ping()).toBeGreaterThanOrEqual(0)
  })

  it('reports the server overwrite policy: EXISTS, overwrite, rename', async () => {
    const client = await start()
    await client.putBuffer('n.txt', Buffer.from('1'))
    expect(await codeOf(client.putBuffer('n.txt', Buffer.from('2')))).toBe('EXISTS')
    expect((await client.putBuffer('n.txt', Buffer.from('3'), { mode: 'rename' })).path).toBe('n (2).txt')
    await client.putBuffer('n.txt', Buffer.from('4'), { mode: 'overwrite' })
    expect((await client.getBuffer('n.txt')).toString()).toBe('4')
  })

  it('authenticates with a token', async () => {
    await start({ token: 'sesame' })
    expect(await codeOf(connect())).toBe('AUTH_REQUIRED')
    expect(await codeOf(connect('wrong'))).toBe('AUTH_FAILED')
    const client = await connect('sesame')
    expect(await client.list('')).toEqual([])
  })

  it('gets READ_ONLY from a read-only share', async () => {
    const client = await start({ readOnly: true })
    expect(client.hello.readOnly).toBe(true)
    expect(await codeOf(client.putBuffer('x', Buffer.from('x')))).toBe('READ_ONLY')
  })

  it('treats the idle timeout as normal and reconnects transparently', async () => {
    const client = await start({ idlePolicy: { maxMs: 300, minMs: 300 } })
    expect(client.idleTimeoutMs).toBe(300)
    await client.putBuffer('k', Buffer.from('v'))
    const reason = await new Promise<FerryError | null>((resolve) => client.on('close', resolve))
    expect(reason).toBeNull()
    expect((await client.getBuffer('k')).toString()).toBe('v')
  })

  it('reports SHUTTING_DOWN when the server stops, then fails to reconnect', async () => {
    const client = await start()
    const closed = new Promise<FerryError | null>((resolve) => client.on('close', resolve))
    await fx.stopServer()
    expect((await closed)?.code).toBe('SHUTTING_DOWN')
    expect(await codeOf(client.ping())).toBe('CONNECTION_FAILED')
  })
})
