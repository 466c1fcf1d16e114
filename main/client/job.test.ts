// Folder jobs against the real server: many files, large and small mixed, per-file failures collected, resume.
import { randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { FileOutcome } from './job-types'
import { setupRealServer } from './test-fixtures'

const fx = setupRealServer('ferry-job-')
const { start } = fx

async function makeFolder(root: string, count: number, big: Record<string, number> = {}): Promise<void> {
  for (let i = 0; i < count; i++) {
    const dir = path.join(root, `d${i % 7}`)
    await fs.mkdir(dir, { recursive: true })
    await fs.writeFile(path.join(dir, `f${i}.txt`), `file number ${i}`)
  }
  for (const [name, size] of Object.entries(big)) await fs.writeFile(path.join(root, name), randomBytes(size))
}

async function sameTree(a: string, b: string): Promise<void> {
  const list = async (root: string) =>
    (await fs.readdir(root, { recursive: true, withFileTypes: true }))
      .filter((d) => d.isFile())
      .map((d) => path.relative(root, path.join(d.parentPath, d.name)))
      .sort()
  const names = await list(a)
  expect(await list(b)).toEqual(names)
  for (const n of names)
    expect((await fs.readFile(path.join(b, n))).equals(await fs.readFile(path.join(a, n)))).toBe(true)
}

describe('folder jobs', () => {
  it('uploads and downloads 1,100 small files (two upload lanes) and two large ones, byte for byte, one outcome per file', async () => {
    const client = await start()
    const source = path.join(fx.local, 'src')
    await makeFolder(source, 1100, { 'big1.bin': 3_000_000, 'big2.bin': 300_000 })
    const up: FileOutcome[] = []
    const upResult = await client.uploadTree(source, '', { onFile: (o) => up.push(o) })
    expect(upResult).toMatchObject({ filesTotal: 1102, done: 1102, failed: [] })
    expect(up.length).toBe(1102)
    await sameTree(source, path.join(fx.share, 'src'))
    const target = path.join(fx.local, 'copy')
    const progress: number[] = []
    const down = await client.downloadTree('src', target, { onProgress: (p) => progress.push(p.filesDone) })
    expect(down).toMatchObject({ filesTotal: 1102, done: 1102, failed: [] })
    expect(progress.at(-1)).toBe(1102)
    await sameTree(source, target)
    // Nothing partial is left anywhere.
    const leftovers = (await fs.readdir(target, { recursive: true })).filter((n) => n.endsWith('.ferry-part'))
    expect(leftovers).toEqual([])
  })

  it('a run again skips what is complete and moves only what is missing', async () => {
    const client = await start()
    const source = path.join(fx.local, 'src')
    await makeFolder(source, 50)
    await client.uploadTree(source, '')
    const target = path.join(fx.local, 'copy')
    await client.downloadTree('src', target)
    await fs.rm(path.join(target, 'd1'), { recursive: true })
    const again = await client.downloadTree('src', target)
    expect(again.failed).toEqual([])
    expect(again.done).toBe(7)
    expect(again.skipped).toBe(43)
    await sameTree(source, target)
    // Uploading again: the server already holds identical bytes, so no file fails as EXISTS.
    const reup = await client.uploadTree(source, '')
    expect(reup).toMatchObject({ done: 50, failed: [] })
  })

  it('collects per-file failures and goes on; stopOnError stops at the first', async () => {
    const client = await start()
    const source = path.join(fx.local, 'src')
    await makeFolder(source, 30)
    // On the server, a different file already holds one name and a folder holds another.
    await fs.mkdir(path.join(fx.share, 'src/d2'), { recursive: true })
    await fs.writeFile(path.join(fx.share, 'src/d2/f2.txt'), 'not the same')
    await fs.mkdir(path.join(fx.share, 'src/d3/f3.txt'), { recursive: true })
    const result = await client.uploadTree(source, '')
    expect(result.failed.map((f) => [f.file.remote, f.error?.code]).sort()).toEqual([
      ['src/d2/f2.txt', 'EXISTS'],
      ['src/d3/f3.txt', 'IS_A_DIRECTORY'],
    ])
    expect(result.done).toBe(28)
    expect(await fs.readFile(path.join(fx.share, 'src/d2/f2.txt'), 'utf8')).toBe('not the same')
    await fs.rm(path.join(fx.share, 'src/d0'), { recursive: true })
    const stopped = await client.uploadTree(source, '', { stopOnError: true })
    expect(stopped.stoppedBy?.code).toBeDefined()
    expect(stopped.failed.length).toBeGreaterThanOrEqual(1)
  })

  it('a file that vanishes between the listing and its turn fails alone with NOT_FOUND', async () => {
    const client = await start()
    await makeFolder(path.join(fx.share, 'src'), 20)
    const victim = path.join(fx.share, 'src/d3/f10.txt')
    const listPage = client.treePage.bind(client)
    // The tree is listed whole before any file moves: remove one file once the last page is out.
    client.treePage = async (...args) => {
      const page = await listPage(...args)
      if (page && page.next === undefined) await fs.rm(victim)
      return page
    }
    const target = path.join(fx.local, 'copy')
    const result = await client.downloadTree('src', target)
    expect(result.failed.map((f) => [f.file.remote, f.error?.code])).toEqual([
      ['src/d3/f10.txt', 'NOT_FOUND'],
    ])
    expect(result.done).toBe(19)
    expect((await fs.readdir(path.join(target, 'd3'))).sort()).toEqual(['f17.txt', 'f3.txt'])
  })
})
