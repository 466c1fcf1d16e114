// Uploads against the scripted fake server: two-phase PUT, resume offsets, refusals, reconnect, cancel.
import { randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { codeOf, setupFakeServer } from './test-fixtures'
import { sha256, type FakePeer, type Frame } from './test-server'

const fx = setupFakeServer('ferry-client-up-')
const { clientFor } = fx

async function localFile(size: number): Promise<{ file: string; data: Buffer }> {
  const data = randomBytes(size)
  const file = path.join(fx.dir, `local-${size}.bin`)
  await fs.writeFile(file, data)
  return { file, data }
}

/** Reads one PUT, answers ready at `offset`, reads the DATA frame and answers done; returns both frames. */
async function acceptPut(peer: FakePeer, offset = 0): Promise<{ put: Frame; data: Frame }> {
  const put = await peer.read()
  const id = put.header['id']
  peer.send({ re: id, ok: true, ready: true, offset })
  const data = await peer.read()
  const { path: p, size, sha256: hash } = put.header
  peer.send({ re: id, ok: true, done: true, path: p, size, sha256: hash })
  return { put, data }
}

describe('FerryClient.upload', () => {
  it('hashes first, then sends PUT and the whole body as DATA', async () => {
    const { file, data } = await localFile(300_000)
    const seen: Array<{ put: Frame; data: Frame }> = []
    const client = await clientFor(async (peer) => {
      peer.hello()
      seen.push(await acceptPut(peer))
    })
    const result = await client.upload(file, 'dir/remote.bin', { mode: 'overwrite' })
    expect(result).toEqual({ path: 'dir/remote.bin', size: data.length, sha256: sha256(data) })
    const [exchange] = seen
    expect(exchange?.put.header).toEqual({
      op: 'PUT',
      id: 1,
      path: 'dir/remote.bin',
      size: data.length,
      sha256: sha256(data),
      mode: 'overwrite',
      resume: true,
    })
    expect(exchange?.data.header).toEqual({ op: 'DATA', id: 1, body: data.length })
    expect(exchange?.data.body.equals(data)).toBe(true)
  })

  it('sends only the bytes after the offset the server already holds', async () => {
    const { file, data } = await localFile(100_000)
    let body: Buffer = Buffer.alloc(0)
    const client = await clientFor(async (peer) => {
      peer.hello()
      body = (await acceptPut(peer, 64_000)).data.body
    })
    await client.upload(file, 'remote.bin')
    expect(body.equals(data.subarray(64_000))).toBe(true)
  })

  it('uploads an empty file with an empty DATA frame', async () => {
    const { file } = await localFile(0)
    const frames: Frame[] = []
    const client = await clientFor(async (peer) => {
      peer.hello()
      const { put, data } = await acceptPut(peer)
      frames.push(put, data)
    })
    await client.upload(file, 'empty')
    expect(frames[1]?.header).toEqual({ op: 'DATA', id: 1, body: 0 })
  })

  it('stops at a refused PUT without sending data', async () => {
    const { file } = await localFile(1000)
    const frames: Frame[] = []
    const client = await clientFor(async (peer) => {
      peer.hello()
      for (;;) {
        const frame = await peer.read()
        frames.push(frame)
        peer.send({ re: frame.header['id'], ok: false, error: { code: 'EXISTS', message: 'taken' } })
      }
    })
    expect(await codeOf(client.upload(file, 'taken'))).toBe('EXISTS')
    expect(frames.map((f) => f.header['op'])).toEqual(['PUT'])
  })

  it('reports a refusal that arrives while the body is still being sent', async () => {
    const { file } = await localFile(8 * 1024 * 1024)
    const client = await clientFor(async (peer) => {
      peer.hello()
      const put = await peer.read()
      peer.send({ re: put.header['id'], ok: true, ready: true, offset: 0 })
      peer.send({ re: put.header['id'], ok: false, error: { code: 'NO_SPACE', message: 'disk full' } })
      await peer.closed
    })
    expect(await codeOf(client.upload(file, 'big'))).toBe('NO_SPACE')
  })

  it('reconnects after a drop mid-body and resumes with resume:true', async () => {
    const { file, data } = await localFile(2 * 1024 * 1024)
    const frames: Frame[] = []
    const client = await clientFor(async (peer, index) => {
      peer.hello()
      if (index === 0) {
        const put = await peer.read()
        peer.send({ re: put.header['id'], ok: true, ready: true, offset: 0 })
        await new Promise((resolve) => peer.socket.once('data', resolve))
        peer.socket.destroy()
        return
      }
      const { put, data: body } = await acceptPut(peer, 1_000_000)
      frames.push(put, body)
    })
    await client.upload(file, 'big', { resume: false })
    expect(frames[0]?.header['resume']).toBe(true)
    expect(frames[1]?.body.equals(data.subarray(1_000_000))).toBe(true)
  })

  it('cancels mid-body with CANCELLED and reconnects for the next request', async () => {
    const { file } = await localFile(4 * 1024 * 1024)
    const client = await clientFor(async (peer, index) => {
      peer.hello()
      const frame = await peer.read()
      if (index === 0) {
        peer.send({ re: frame.header['id'], ok: true, ready: true, offset: 0 })
        await peer.closed
        return
      }
      peer.send({ re: frame.header['id'], ok: true, time: 1 })
    })
    const controller = new AbortController()
    const upload = client.upload(file, 'big', {
      signal: controller.signal,
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.bytes > 0) controller.abort()
      },
    })
    expect(await codeOf(upload)).toBe('CANCELLED')
    await client.ping()
  })

  it('refuses to upload a folder or a missing file', async () => {
    const client = await clientFor((peer) => peer.hello())
    expect(await codeOf(client.upload(fx.dir, 'x'))).toBe('IS_A_DIRECTORY')
    expect(await codeOf(client.upload(path.join(fx.dir, 'missing'), 'x'))).toBe('NOT_FOUND')
    expect(await codeOf(client.upload(fx.dir, ''))).toBe('PATH_INVALID')
  })

  it('putBuffer sends header and body and checks the answer', async () => {
    const data = randomBytes(1000)
    const frames: Frame[] = []
    const client = await clientFor(async (peer) => {
      peer.hello()
      const { put, data: body } = await acceptPut(peer)
      frames.push(put, body)
    })
    const result = await client.putBuffer('small', data, { mode: 'rename' })
    expect(result).toEqual({ path: 'small', size: 1000, sha256: sha256(data) })
    expect(frames[0]?.header['mode']).toBe('rename')
    expect(frames[1]?.body.equals(data)).toBe(true)
  })
})
