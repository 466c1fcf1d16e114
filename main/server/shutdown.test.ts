import { randomBytes } from 'node:crypto'
import { promises as fsp } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { encodeHeader } from '../protocol/frame-codec'
import { NoticeSchema } from '../protocol/messages'
import { FerryServer } from './ferry-server'
import { TestPeer } from './test-peer'
import { sha256, startTestServer, type TestServer } from './test-fixtures'
import { STALE_PARTIAL_MS, STALE_TMP_MS } from '../store/local/upload-store'

let ts: TestServer | null = null
afterEach(async () => {
  await ts?.stop()
  ts = null
})

async function startUpload(peer: TestPeer, data: Buffer, sent: number): Promise<void> {
  const ready = await peer.request({
    op: 'PUT',
    id: 1,
    path: 'up.bin',
    size: data.length,
    sha256: sha256(data),
    mode: 'fail',
  })
  expect(ready.header).toMatchObject({ ok: true, offset: 0 })
  peer.sendRaw(
    Buffer.concat([encodeHeader({ op: 'DATA', id: 1, body: data.length }), data.subarray(0, sent)]),
  )
}

describe('graceful close', () => {
  it('closes idle clients with SHUTTING_DOWN and stops accepting', async () => {
    ts = await startTestServer()
    const peer = await ts.peer()
    const { port } = ts.server.address()
    await ts.server.close()
    const frames = await peer.drainUntilClosed()
    expect(frames.map((f) => NoticeSchema.parse(f.header).error.code)).toEqual(['SHUTTING_DOWN'])
    await expect(TestPeer.connect(port)).rejects.toThrow()
  })

  it('lets a running upload finish within the grace period', async () => {
    ts = await startTestServer()
    const peer = await ts.peer()
    const data = randomBytes(1024 * 1024)
    await startUpload(peer, data, 1000)
    const closed = ts.server.close({ graceMs: 60_000 })
    peer.sendRaw(data.subarray(1000))
    expect((await peer.next()).header).toMatchObject({ re: 1, ok: true, done: true, path: 'up.bin' })
    expect(NoticeSchema.parse((await peer.next()).header).error.code).toBe('SHUTTING_DOWN')
    await closed
    expect((await fsp.readFile(path.join(ts.root, 'up.bin'))).equals(data)).toBe(true)
  })

  it('cuts transfers still running when the grace period ends, keeping the partial', async () => {
    ts = await startTestServer()
    const peer = await ts.peer()
    const left = new Promise<{ reason: string }>((resolve) => ts!.server.once('client-left', resolve))
    await startUpload(peer, randomBytes(100_000), 10)
    await ts.server.close({ graceMs: 20 })
    const frames = await peer.drainUntilClosed()
    expect(frames.map((f) => NoticeSchema.parse(f.header).error.code)).toEqual(['SHUTTING_DOWN'])
    expect((await left).reason).toBe('server shutting down')
    expect(await fsp.readdir(path.join(ts.root))).toEqual(['.ferry'])
  })
})

describe('start-up sweep', () => {
  it('removes stale temp files and partials, keeps fresh ones (another server may be writing them)', async () => {
    const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'ferry-sweep-'))
    try {
      await fsp.mkdir(path.join(root, '.ferry', 'partial'), { recursive: true })
      await fsp.mkdir(path.join(root, '.ferry', 'tmp', 'sub'), { recursive: true })
      await fsp.writeFile(path.join(root, '.ferry', 'tmp', 'a.part'), 'x')
      await fsp.writeFile(path.join(root, '.ferry', 'tmp', 'live.part'), 'x')
      const dead = new Date(Date.now() - STALE_TMP_MS - 60_000)
      for (const name of ['sub', 'a.part'])
        await fsp.utimes(path.join(root, '.ferry', 'tmp', name), dead, dead)
      const stale = path.join(root, '.ferry', 'partial', 'stale.part')
      await fsp.writeFile(stale, 'x')
      const old = new Date(Date.now() - STALE_PARTIAL_MS - 60_000)
      await fsp.utimes(stale, old, old)
      await fsp.writeFile(path.join(root, '.ferry', 'partial', 'fresh.part'), 'x')
      const server = await FerryServer.start({ root })
      await server.close()
      expect(await fsp.readdir(path.join(root, '.ferry', 'tmp'))).toEqual(['live.part'])
      expect(await fsp.readdir(path.join(root, '.ferry', 'partial'))).toEqual(['fresh.part'])
    } finally {
      await fsp.rm(root, { recursive: true, force: true })
    }
  })

  it('while serving, removes uploads abandoned longer than the given age, and says so in the log', async () => {
    const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'ferry-sweep-'))
    const server = await FerryServer.start({ root, sweep: { everyMs: 50, olderThanMs: 60_000 } })
    try {
      const logs: string[] = []
      server.on('log', (e) => logs.push(e.message))
      const partial = path.join(root, '.ferry', 'partial')
      const abandoned = path.join(partial, 'abandoned.part')
      await fsp.writeFile(abandoned, 'x')
      const old = new Date(Date.now() - 120_000)
      await fsp.utimes(abandoned, old, old)
      await fsp.writeFile(path.join(partial, 'recent.part'), 'x')
      await vi.waitFor(async () => expect(await fsp.readdir(partial)).toEqual(['recent.part']), {
        timeout: 5000,
      })
      await vi.waitFor(() => expect(logs).toContain('removed 1 abandoned upload(s)'))
    } finally {
      await server.close()
      await fsp.rm(root, { recursive: true, force: true })
    }
  })

  it('refuses a .ferry folder that is a symlink', async () => {
    const base = await fsp.mkdtemp(path.join(os.tmpdir(), 'ferry-sweep-'))
    try {
      await fsp.mkdir(path.join(base, 'root'))
      await fsp.mkdir(path.join(base, 'elsewhere'))
      await fsp.symlink(path.join(base, 'elsewhere'), path.join(base, 'root', '.ferry'))
      await expect(FerryServer.start({ root: path.join(base, 'root') })).rejects.toMatchObject({
        code: 'PATH_INVALID',
      })
      expect(await fsp.readdir(path.join(base, 'elsewhere'))).toEqual([])
    } finally {
      await fsp.rm(base, { recursive: true, force: true })
    }
  })
})
