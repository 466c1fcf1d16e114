// Disk full, for real: the share lives on a small tmpfs. Needs root (mount); elsewhere the suite is skipped
// and says why. An upload larger than the free space is refused before a byte is written; a disk that fills up
// mid-upload fails NO_SPACE with nothing partial visible, the old file intact, and the server still serving.
import { execFileSync } from 'node:child_process'
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FerryClient } from '../client'
import { FerryServer } from '../server'
import { FaultProxy } from './fault-proxy'
import { pattern, rejection, sha256, tempDir, visible } from './harness'

const TMPFS_BYTES = 4 * 1024 * 1024

async function tryMount(): Promise<string | null> {
  if (process.platform !== 'linux') return null
  const dir = await tempDir('ferry-tmpfs-')
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_BYTES}`, 'tmpfs', dir], { stdio: 'ignore' })
    return dir
  } catch {
    await fsp.rm(dir, { recursive: true, force: true })
    return null
  }
}

const mountPoint = await tryMount()
if (!mountPoint) console.warn('disk-full suite skipped: cannot mount a tmpfs here (needs Linux and root)')

afterAll(async () => {
  if (!mountPoint) return
  execFileSync('umount', ['-l', mountPoint], { stdio: 'ignore' })
  await fsp.rm(mountPoint, { recursive: true, force: true })
})

describe.skipIf(!mountPoint)('disk full on a 4 MiB tmpfs', () => {
  const OLD = pattern(100_000, 1)
  let server: FerryServer
  let root: string
  let local: string
  const clients: FerryClient[] = []

  beforeEach(async () => {
    server = await FerryServer.start({ root: path.join(mountPoint!, 'share') })
    root = server.root
    await fsp.writeFile(path.join(root, 'data.bin'), OLD)
    local = await tempDir('ferry-local-')
  })

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()))
    await server.close({ graceMs: 0 })
    await fsp.rm(path.join(mountPoint!, 'share'), { recursive: true, force: true })
    await fsp.rm(path.join(mountPoint!, 'filler'), { force: true })
    await fsp.rm(local, { recursive: true, force: true })
  })

  async function connect(port = server.address().port): Promise<FerryClient> {
    const client = await FerryClient.connect({ host: '127.0.0.1', port })
    clients.push(client)
    return client
  }

  async function bytesUnder(dir: string): Promise<number> {
    let total = 0
    for (const entry of await fsp.readdir(dir, { withFileTypes: true, recursive: true })) {
      if (entry.isFile()) total += (await fsp.stat(path.join(entry.parentPath, entry.name))).size
    }
    return total
  }

  async function expectStillServing(client: FerryClient): Promise<void> {
    await client.ping()
    expect((await client.list('')).map((e) => e.name)).toContain('data.bin')
    expect(sha256(await client.getBuffer('data.bin'))).toBe(sha256(OLD))
  }

  it('refuses an upload larger than the free space before writing anything', async () => {
    const big = path.join(local, 'big.bin')
    await fsp.writeFile(big, pattern(TMPFS_BYTES + 1024, 2))
    const client = await connect()
    const err = await rejection(client.upload(big, 'big.bin', { retries: 0 }))
    expect(err.code).toBe('NO_SPACE')
    expect(await visible(root)).toEqual({ 'data.bin': sha256(OLD) })
    expect(await bytesUnder(root)).toBe(OLD.length) // no partial either
    await expectStillServing(client)
  })

  it('fails NO_SPACE when the disk fills mid-upload, keeps the old file, then resumes once there is room', async () => {
    const NEW = pattern(1_500_000, 3)
    await fsp.writeFile(path.join(local, 'new.bin'), NEW)
    const proxy = await FaultProxy.start({
      target: { host: '127.0.0.1', port: server.address().port },
      mode: { kind: 'pause', afterBytes: 300_000, direction: 'up' },
    })
    try {
      const client = await connect(proxy.port)
      const paused = proxy.nextFault()
      const pending = client.upload(path.join(local, 'new.bin'), 'data.bin', {
        mode: 'overwrite',
        retries: 0,
      })
      await paused
      await fillDisk(path.join(mountPoint!, 'filler'))
      proxy.release()
      const err = await rejection(pending)
      expect(err.code).toBe('NO_SPACE')
    } finally {
      await proxy.close()
    }
    expect(await visible(root)).toEqual({ 'data.bin': sha256(OLD) })
    const direct = await connect()
    await expectStillServing(direct)

    await fsp.rm(path.join(mountPoint!, 'filler'))
    const result = await direct.upload(path.join(local, 'new.bin'), 'data.bin', { mode: 'overwrite' })
    expect(result.sha256).toBe(sha256(NEW))
    expect(await visible(root)).toEqual({ 'data.bin': sha256(NEW) })
  })

  it('a folder upload that meets a full disk fails those files NO_SPACE, shows nothing partial, and a rerun finishes', async () => {
    const folder = path.join(local, 'photos')
    await fsp.mkdir(folder)
    // 40 files of 60 KB: about 2.4 MB, more than is left once the filler below takes its share.
    for (let i = 0; i < 40; i++) await fsp.writeFile(path.join(folder, `p${i}.jpg`), pattern(60_000, 10 + i))
    const filler = path.join(mountPoint!, 'filler')
    await fsp.writeFile(filler, Buffer.alloc(TMPFS_BYTES - 1_400_000, 1))
    const client = await connect()
    const first = await client.uploadTree(folder, '')
    expect(first.done).toBeGreaterThan(0)
    expect(first.failed.length).toBeGreaterThan(0)
    expect(new Set(first.failed.map((f) => f.error?.code))).toEqual(new Set(['NO_SPACE']))
    // What is visible is whole: every stored file has exactly its bytes, and no partial or staged file lingers.
    const seen = await visible(root)
    for (const [name, hash] of Object.entries(seen)) {
      if (name === 'data.bin' || hash === 'dir') continue
      expect(hash).toBe(sha256(await fsp.readFile(path.join(local, name))))
    }
    expect(Object.keys(seen).length).toBe(2 + first.done) // data.bin, the folder, and each file stored
    await expectStillServing(client)
    await fsp.rm(filler)
    const again = await client.uploadTree(folder, '')
    expect(again.failed).toEqual([])
    expect(Object.keys(await visible(root)).length).toBe(42)
  })
})

/** Writes until the file system says ENOSPC. */
async function fillDisk(file: string): Promise<void> {
  const handle = await fsp.open(file, 'w')
  const block = Buffer.alloc(64 * 1024, 1)
  try {
    for (;;) await handle.write(block)
  } catch (err: unknown) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err
  } finally {
    await handle.close()
  }
}
