// Folder transfers against the scripted fake server, including a hostile server sending unsafe names.
import fs from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { FerryError } from '../protocol/error-codes'
import { codeOf, setupFakeServer } from './test-fixtures'
import { serveGet, sha256, type Frame, type Script } from './test-server'

const fx = setupFakeServer('ferry-client-tree-')
const { clientFor } = fx

type Tree = { [name: string]: Tree | string }

/** A fake share: STAT, LIST and GET over an in-memory tree (names are sent as given, however hostile). */
function share(tree: Tree, options: { listedSize?: (name: string, real: number) => number } = {}): Script {
  const lookup = (p: string): Tree | string | undefined => {
    let node: Tree | string | undefined = tree
    for (const part of p === '' ? [] : p.split('/')) node = typeof node === 'object' ? node[part] : undefined
    return node
  }
  const entry = (name: string, node: Tree | string): Record<string, unknown> => ({
    name,
    type: typeof node === 'string' ? 'file' : 'dir',
    size: typeof node === 'string' ? (options.listedSize?.(name, node.length) ?? node.length) : 0,
    mtimeMs: 1_700_000_000_000,
  })
  return async (peer) => {
    peer.hello()
    for (;;) {
      const frame: Frame = await peer.read()
      const { id, op } = frame.header
      const p = String(frame.header['path'])
      const node = lookup(p)
      if (node === undefined) {
        peer.send({ re: id, ok: false, error: { code: 'NOT_FOUND', message: p } })
      } else if (op === 'STAT') {
        peer.send({ re: id, ok: true, entry: { path: p, ...entry(p.split('/').pop() ?? '', node) } })
      } else if (op === 'LIST' && typeof node === 'object') {
        const body = Buffer.from(JSON.stringify(Object.entries(node).map(([n, child]) => entry(n, child))))
        peer.send({ re: id, ok: true, count: Object.keys(node).length, body: body.length }, body)
      } else if (op === 'GET' && typeof node === 'string') {
        serveGet(peer, frame, Buffer.from(node))
      } else {
        peer.send({ re: id, ok: false, error: { code: 'INVALID_ARGUMENT', message: String(op) } })
      }
    }
  }
}

async function listLocal(root: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await fs.readdir(root, { withFileTypes: true, recursive: true })) {
    out.push(path.relative(root, path.join(entry.parentPath, entry.name)) + (entry.isDirectory() ? '/' : ''))
  }
  return out.sort()
}

describe('FerryClient.downloadTree', () => {
  it('downloads a folder recursively into the target folder', async () => {
    const client = await clientFor(
      share({ photos: { 'a.txt': 'alpha', sub: { 'b.txt': 'beta', empty: {} } } }),
    )
    const target = path.join(fx.dir, 'copy')
    const result = await client.downloadTree('photos', target)
    expect(result).toMatchObject({ filesTotal: 2, done: 2, skipped: 0, failed: [], bytes: 9 })
    expect(await listLocal(target)).toEqual(['a.txt', 'sub/', 'sub/b.txt', 'sub/empty/'])
    expect(await fs.readFile(path.join(target, 'sub', 'b.txt'), 'utf8')).toBe('beta')
  })

  const unsafe = [
    '../evil',
    '..',
    '/etc/passwd',
    'a/b',
    'C:evil',
    'x\\..\\y',
    '.ferry-part',
    'con',
    'dot.',
    'e\u0301',
  ]
  for (const name of unsafe) {
    it(`refuses the server name ${JSON.stringify(name)} before writing anything`, async () => {
      const client = await clientFor(share({ top: { 'fine.txt': 'ok', deep: { [name]: 'pwned' } } }))
      const target = path.join(fx.dir, 'copy')
      expect(await codeOf(client.downloadTree('top', target))).toBe('PATH_INVALID')
      expect(await fs.readdir(fx.dir)).toEqual([])
    })
  }

  it('refuses names that collide on case-insensitive file systems', async () => {
    const client = await clientFor(share({ top: { 'A.txt': '1', 'a.txt': '2' } }))
    expect(await codeOf(client.downloadTree('top', path.join(fx.dir, 'copy')))).toBe('PROTOCOL')
    expect(await fs.readdir(fx.dir)).toEqual([])
  })

  it('refuses a listing holding both a name and its partial-file name', async () => {
    const client = await clientFor(share({ top: { a: '1', 'a.ferry-part': '2' } }))
    expect(await codeOf(client.downloadTree('top', path.join(fx.dir, 'copy')))).toBe('PATH_INVALID')
    expect(await fs.readdir(fx.dir)).toEqual([])
  })

  it('never replaces a different local file: that file fails with EXISTS, the rest of the job goes on', async () => {
    const client = await clientFor(share({ top: { 'a.txt': 'alpha', 'b.txt': 'beta' } }))
    const target = path.join(fx.dir, 'copy')
    await fs.mkdir(target)
    await fs.writeFile(path.join(target, 'b.txt'), 'mine')
    const result = await client.downloadTree('top', target)
    expect(result.done).toBe(1)
    expect(result.failed.map((f) => [f.file.remote, f.error?.code])).toEqual([['top/b.txt', 'EXISTS']])
    expect(await fs.readFile(path.join(target, 'b.txt'), 'utf8')).toBe('mine')
    expect(await listLocal(target)).toEqual(['a.txt', 'b.txt'])
    const again = await client.downloadTree('top', target, { overwrite: true })
    // a.txt carries the server's mtime and size: complete and verified, so it is not moved again.
    expect(again).toMatchObject({ done: 1, skipped: 1, failed: [] })
    expect(await fs.readFile(path.join(target, 'b.txt'), 'utf8')).toBe('beta')
  })

  it('stops at the first failure when asked, and says so', async () => {
    const client = await clientFor(share({ top: { 'a.txt': 'alpha', 'b.txt': 'beta', 'c.txt': 'gamma' } }))
    const target = path.join(fx.dir, 'copy')
    await fs.mkdir(target)
    await fs.writeFile(path.join(target, 'a.txt'), 'mine')
    const result = await client.downloadTree('top', target, { stopOnError: true })
    expect(result.stoppedBy?.code).toBe('EXISTS')
    expect(result.done).toBe(0)
    expect(await listLocal(target)).toEqual(['a.txt'])
  })

  it('fails a file with SIZE_MISMATCH when it is not the size the listing said', async () => {
    const client = await clientFor(share({ top: { 'a.txt': 'alpha' } }, { listedSize: () => 3 }))
    const target = path.join(fx.dir, 'copy')
    const result = await client.downloadTree('top', target)
    expect(result.failed.map((f) => f.error?.code)).toEqual(['SIZE_MISMATCH'])
    expect(await listLocal(target)).toEqual([])
  })

  it('reports progress over the whole tree with a final call', async () => {
    const client = await clientFor(share({ top: { 'a.txt': 'alpha', 'b.txt': 'beta' } }))
    const calls: Array<{ bytes: number; total: number }> = []
    await client.downloadTree('top', path.join(fx.dir, 'copy'), { onProgress: (p) => calls.push(p) })
    expect(calls.at(-1)).toMatchObject({ bytes: 9, total: 9 })
  })
})

describe('FerryClient.uploadTree', () => {
  it('refuses a local name the protocol does not allow, before uploading anything', async () => {
    const frames: Frame[] = []
    const client = await clientFor(async (peer) => {
      peer.hello()
      for (;;) frames.push(await peer.read())
    })
    const source = path.join(fx.dir, 'src')
    await fs.mkdir(path.join(source, 'ok'), { recursive: true })
    await fs.writeFile(path.join(source, 'ok', 'fine.txt'), 'x')
    await fs.writeFile(path.join(source, 'ok', 'bad:name.txt'), 'x')
    const err = await client.uploadTree(source, '').catch((e: unknown) => e)
    expect((err as FerryError).code).toBe('PATH_INVALID')
    expect((err as FerryError).message).toContain('bad:name.txt')
    expect(frames).toEqual([])
  })

  it('creates folders, then uploads each file under the folder name', async () => {
    const ops: string[] = []
    let body: Buffer = Buffer.alloc(0)
    const client = await clientFor(async (peer) => {
      peer.hello()
      for (;;) {
        const frame = await peer.read()
        const { id, op } = frame.header
        ops.push(`${String(op)} ${String(frame.header['path'] ?? '')}`)
        if (op === 'MKDIR') peer.send({ re: id, ok: true, path: frame.header['path'] })
        else if (op === 'PUT') peer.send({ re: id, ok: true, ready: true, offset: 0 })
        else if (op === 'DATA') body = frame.body
        else {
          const put = ops.at(-3)?.split(' ')[1]
          peer.send({
            re: id,
            ok: true,
            done: true,
            path: put,
            size: body.length,
            sha256: sha256(body),
          })
        }
      }
    })
    const source = path.join(fx.dir, 'src')
    await fs.mkdir(path.join(source, 'sub', 'empty'), { recursive: true })
    await fs.writeFile(path.join(source, 'a.txt'), 'alpha')
    await fs.writeFile(path.join(source, 'sub', 'b.txt'), 'beta')
    const done: string[] = []
    const result = await client.uploadTree(source, 'dest', { onFile: (f) => done.push(f.remotePath) })
    expect(result).toMatchObject({ filesTotal: 2, done: 2, failed: [] })
    expect(done).toEqual(['dest/src/a.txt', 'dest/src/sub/b.txt'])
    expect(ops).toEqual([
      'MKDIR dest/src',
      'MKDIR dest/src/sub',
      'MKDIR dest/src/sub/empty',
      'PUT dest/src/a.txt',
      'DATA ',
      'DATA_END ',
      'PUT dest/src/sub/b.txt',
      'DATA ',
      'DATA_END ',
    ])
  })
})
