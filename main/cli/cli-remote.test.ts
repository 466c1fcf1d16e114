// One-shot remote commands through main(argv, io) against a real FerryServer on port 0.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FerryServer } from '../server'
import { FaultProxy } from '../testing/fault-proxy'
import { main } from './index'
import { captureIo, makeTempDir } from './test-support'

let tmp: { dir: string; cleanup: () => Promise<void> }
let server: FerryServer
let share: string
let local: string
let addr: string

beforeAll(async () => {
  tmp = await makeTempDir('remote')
  share = path.join(tmp.dir, 'share')
  local = path.join(tmp.dir, 'local')
  await mkdir(local)
  server = await FerryServer.start({ root: share, port: 0, name: 'test-share' })
  addr = `127.0.0.1:${server.address().port}`
})
afterAll(async () => {
  await server.close({ graceMs: 0 })
  await tmp.cleanup()
})

async function ferry(...argv: string[]) {
  const io = captureIo(local)
  const code = await main(argv, io)
  return { code, out: io.stdout.text(), err: io.stderr.text() }
}

describe('remote commands', () => {
  it('Ctrl+C during put says what is kept and how to resume; the same command then resumes', async () => {
    const data = randomBytes(3_000_000)
    await writeFile(path.join(local, 'stopped.bin'), data)
    // The upload is held after 1 MB so the stop lands mid-transfer, not by timing.
    const proxy = await FaultProxy.start({
      target: { host: '127.0.0.1', port: server.address().port },
      mode: (n) => (n === 0 ? { kind: 'pause', afterBytes: 1_000_000, direction: 'up' } : { kind: 'pass' }),
    })
    try {
      const stop = new AbortController()
      const io = captureIo(local, stop.signal)
      const running = main(['put', `127.0.0.1:${proxy.port}`, 'stopped.bin'], io)
      await proxy.nextFault()
      stop.abort()
      proxy.release()
      expect(await running).toBe(1)
      expect(io.stderr.text()).toMatch(
        /^ferry: CANCELLED: .*\(what the server received is kept: the same command again resumes from there\)$/m,
      )
      expect(existsSync(path.join(share, 'stopped.bin'))).toBe(false)
      const again = await ferry('put', addr, 'stopped.bin')
      expect(again.code).toBe(0)
      expect((await readFile(path.join(share, 'stopped.bin'))).equals(data)).toBe(true)
    } finally {
      await proxy.close()
    }
  })

  it('put then get a file keeps every byte; plain progress lines when stderr is not a TTY', async () => {
    const data = randomBytes(300_000)
    await writeFile(path.join(local, 'blob.bin'), data)
    const put = await ferry('put', addr, 'blob.bin')
    expect(put).toMatchObject({ code: 0 })
    expect(put.err).toMatch(/^uploading .*blob\.bin -> \/blob\.bin\n$/)
    expect(put.out).toMatch(/^uploaded .* -> \/blob\.bin: 300 kB in .+ \(.+ MB\/s\)\n$/)
    expect((await readFile(path.join(share, 'blob.bin'))).equals(data)).toBe(true)

    const get = await ferry('get', addr, '/blob.bin', 'copy.bin')
    expect(get.code).toBe(0)
    expect(get.out).toMatch(/downloaded \/blob\.bin -> .*copy\.bin: 300 kB/)
    expect((await readFile(path.join(local, 'copy.bin'))).equals(data)).toBe(true)
  })

  it('get without LOCAL lands in the current folder; an existing file needs --force', async () => {
    await writeFile(path.join(share, 'note.txt'), 'v1')
    expect((await ferry('get', addr, 'note.txt')).code).toBe(0)
    expect(await readFile(path.join(local, 'note.txt'), 'utf8')).toBe('v1')

    await writeFile(path.join(share, 'note.txt'), 'v2')
    const again = await ferry('get', addr, 'note.txt')
    expect(again.code).toBe(1)
    expect(again.err).toMatch(/^ferry: EXISTS: .*\(add --force to replace the local file\)$/m)
    expect(await readFile(path.join(local, 'note.txt'), 'utf8')).toBe('v1')
    expect((await ferry('get', addr, 'note.txt', '--force')).code).toBe(0)
    expect(await readFile(path.join(local, 'note.txt'), 'utf8')).toBe('v2')
  })

  it('put and get folders recursively', async () => {
    const src = path.join(local, 'tree')
    await mkdir(path.join(src, 'sub', 'deeper'), { recursive: true })
    await writeFile(path.join(src, 'a.txt'), 'alpha')
    await writeFile(path.join(src, 'sub', 'deeper', 'b.txt'), 'beta')
    const put = await ferry('put', addr, 'tree', '--to', 'backup')
    expect(put.code).toBe(0)
    expect(put.out).toMatch(/uploaded .* -> \/backup\/tree: 2 files, 9 B/)
    expect(await readFile(path.join(share, 'backup', 'tree', 'sub', 'deeper', 'b.txt'), 'utf8')).toBe('beta')

    const get = await ferry('get', addr, 'backup/tree', 'restored')
    expect(get.code).toBe(0)
    expect(await readFile(path.join(local, 'restored', 'a.txt'), 'utf8')).toBe('alpha')
    expect(await readFile(path.join(local, 'restored', 'sub', 'deeper', 'b.txt'), 'utf8')).toBe('beta')
  })

  it('put --to creates the remote folder when missing', async () => {
    await writeFile(path.join(local, 'deep.txt'), 'deep')
    const put = await ferry('put', addr, 'deep.txt', '--to', '/new/inner folder')
    expect(put.code).toBe(0)
    expect(await readFile(path.join(share, 'new', 'inner folder', 'deep.txt'), 'utf8')).toBe('deep')
    expect((await ferry('put', addr, 'deep.txt', '--to', 'new', '--mode', 'overwrite')).code).toBe(0)
  })

  it('put --mode rename keeps both and says where the new one went', async () => {
    await writeFile(path.join(local, 'dup.txt'), 'first')
    expect((await ferry('put', addr, 'dup.txt')).code).toBe(0)
    await writeFile(path.join(local, 'dup.txt'), 'second')
    const refused = await ferry('put', addr, 'dup.txt')
    expect(refused.code).toBe(1)
    expect(refused.err).toMatch(
      /^ferry: EXISTS: .*\(add --mode overwrite to replace it, or --mode rename to keep both\)$/m,
    )
    const renamed = await ferry('put', addr, 'dup.txt', '--mode', 'rename')
    expect(renamed.code).toBe(0)
    // One line, naming where the file really landed (not the name asked for).
    expect(renamed.out).toMatch(/^uploaded .*dup\.txt -> \/dup \(2\)\.txt: 6 B in /m)
    expect(renamed.out).not.toContain('-> /dup.txt')
    expect(await readFile(path.join(share, 'dup (2).txt'), 'utf8')).toBe('second')
  })

  it('ls, ls --long and ls --json', async () => {
    await mkdir(path.join(share, 'listing', 'inner'), { recursive: true })
    await writeFile(path.join(share, 'listing', 'z.txt'), '12345')
    const short = await ferry('ls', addr, 'listing')
    expect(short).toMatchObject({ code: 0, out: 'inner/\nz.txt\n' })
    const long = await ferry('ls', addr, '/listing/', '--long')
    expect(long.out).toMatch(/^d\s+-\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+inner\/\n-\s+5\s+.*z\.txt\n$/)
    const json = await ferry('ls', addr, 'listing', '--json')
    const entries = JSON.parse(json.out) as Array<{ name: string; type: string; size: number }>
    expect(entries.map((e) => [e.name, e.type]).sort()).toEqual([
      ['inner', 'dir'],
      ['z.txt', 'file'],
    ])
  })

  it('mkdir -p, mv (into a folder), rm -r', async () => {
    expect((await ferry('mkdir', addr, 'x/y/z', '-p')).out).toBe('created /x/y/z\n')
    expect((await ferry('mkdir', addr, 'x/y/z')).err).toMatch(/^ferry: EXISTS: .*\(add -p .*\)$/m)
    await writeFile(path.join(share, 'move-me.txt'), 'm')
    const mv = await ferry('mv', addr, 'move-me.txt', 'x')
    expect(mv).toMatchObject({ code: 0, out: 'moved /move-me.txt -> /x/move-me.txt\n' })
    expect(existsSync(path.join(share, 'x', 'move-me.txt'))).toBe(true)
    expect((await ferry('mv', addr, 'x/move-me.txt', 'renamed.txt')).code).toBe(0)
    expect(existsSync(path.join(share, 'renamed.txt'))).toBe(true)

    const notEmpty = await ferry('rm', addr, 'x')
    expect(notEmpty.code).toBe(1)
    expect(notEmpty.err).toMatch(
      /^ferry: (NOT_EMPTY|IS_A_DIRECTORY): .*\(add -r to delete the folder with everything in it\)$/m,
    )
    expect((await ferry('rm', addr, 'x', '-r')).code).toBe(0)
    expect(existsSync(path.join(share, 'x'))).toBe(false)
  })

  it('ping reports the server name', async () => {
    const ping = await ferry('ping', addr)
    expect(ping.code).toBe(0)
    expect(ping.out).toMatch(/^pong from "test-share" in \d+\.\d ms\n$/)
  })

  it('a server error exits 1 with its code, no stack trace', async () => {
    const missing = await ferry('get', addr, 'no/such/file.txt')
    expect(missing.code).toBe(1)
    expect(missing.err).toMatch(/^ferry: NOT_FOUND: .+\n$/)
    const invalid = await ferry('mkdir', addr, 'bad:name')
    expect(invalid.code).toBe(1)
    expect(invalid.err).toMatch(/^ferry: PATH_INVALID: .+\n$/)
    const above = await ferry('ls', addr, '../etc')
    expect(above.code).toBe(2)
    expect(above.err).toMatch(/above the share root/)
  })

  it('a refused connection exits 1 with CONNECTION_FAILED', async () => {
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const { port } = probe.address() as { port: number }
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    const result = await ferry('ls', addr.replace(/:\d+$/, `:${port}`))
    expect(result.code).toBe(1)
    expect(result.err).toMatch(/^ferry: CONNECTION_FAILED: .+\n$/)
  })

  it('uploading a missing local file fails with NOT_FOUND', async () => {
    const result = await ferry('put', addr, 'nope.txt')
    expect(result.code).toBe(1)
    expect(result.err).toMatch(/^ferry: NOT_FOUND: nope\.txt/)
  })
})
