// Uploads against the scripted fake server: streamed PUT/DATA/DATA_END, resume offsets and prefix checks,
// refusals, files changing under the upload, reconnect, cancel.
import { createHash, randomBytes } from 'node:crypto'
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

/**
 * Reads one PUT, answers ready at `offset` (with the prefix hash of `data`), reads DATA and DATA_END and answers
 * done with the trailer's hash; returns the three frames.
 */
async function acceptPut(
  peer: FakePeer,
  offset = 0,
  data?: Buffer,
): Promise<{ put: Frame; data: Frame; end: Frame }> {
  const put = await peer.read()
  const id = put.header['id']
  const prefix = offset > 0 && data ? { prefixSha256: sha256(data.subarray(0, offset)) } : {}
  peer.send({ re: id, ok: true, ready: true, offset, ...prefix })
  const body = await peer.read()
  const end = await peer.read()
  const { path: p, size } = put.header
  peer.send({ re: id, ok: true, done: true, path: p, size, sha256: end.header['sha256'] })
  return { put, data: body, end }
}

describe('FerryClient.upload', () => {
  it('sends PUT with an upload key, the body as DATA, then its SHA-256 in DATA_END', async () => {
    const { file, data } = await localFile(300_000)
    const seen: Array<{ put: Frame; data: Frame; end: Frame }> = []
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
      uploadKey: expect.stringMatching(/^[0-9a-f]{64}$/),
      mode: 'overwrite',
      resume: true,
    })
    expect(exchange?.data.header).toEqual({ op: 'DATA', id: 1, body: data.length })
    expect(exchange?.data.body.equals(data)).toBe(true)
    expect(exchange?.end.header).toEqual({ op: 'DATA_END', id: 1, sha256: sha256(data) })
  })

  it('derives the same upload key again for an unchanged file and a new one once it changes', async () => {
    const { file } = await localFile(1000)
    const keys: unknown[] = []
    const client = await clientFor(async (peer) => {
      peer.hello()
      for (;;) keys.push((await acceptPut(peer)).put.header['uploadKey'])
    })
    await client.upload(file, 'a', { mode: 'overwrite' })
    await client.upload(file, 'a', { mode: 'overwrite' })
    await fs.appendFile(file, 'more')
    await client.upload(file, 'a', { mode: 'overwrite' })
    expect(keys[0]).toBe(keys[1])
    expect(keys[2]).not.toBe(keys[0])
  })

  it('sends only the bytes after the offset the server already holds', async () => {
    const { file, data } = await localFile(100_000)
    let body: Buffer = Buffer.alloc(0)
    const client = await clientFor(async (peer) => {
      peer.hello()
      body = (await acceptPut(peer, 64_000, data)).data.body
    })
    const result = await client.upload(file, 'remote.bin')
    expect(body.equals(data.subarray(64_000))).toBe(true)
    expect(result.sha256).toBe(sha256(data))
  })

  it('discards a partial that is not a prefix of the file and starts over from 0', async () => {
    const { file, data } = await localFile(100_000)
    const frames: Frame[] = []
    const client = await clientFor(async (peer) => {
      peer.hello()
      const put = await peer.read()
      frames.push(put)
      const stale = Buffer.from(data.subarray(0, 64_000))
      stale[10] = (stale[10] ?? 0) ^ 1
      peer.send({ re: put.header['id'], ok: true, ready: true, offset: 64_000, prefixSha256: sha256(stale) })
      const cancel = await peer.read()
      frames.push(cancel)
      peer.send({ re: cancel.header['id'], ok: true })
      const again = await acceptPut(peer, 0)
      frames.push(again.put, again.data, again.end)
    })
    const result = await client.upload(file, 'remote.bin')
    expect(result.sha256).toBe(sha256(data))
    expect(frames.map((f) => f.header['op'])).toEqual(['PUT', 'CANCEL', 'PUT', 'DATA', 'DATA_END'])
    expect(frames[1]?.header).toMatchObject({ discard: true })
    expect(frames[2]?.header['resume']).toBe(false)
    expect(frames[3]?.body.equals(data)).toBe(true)
  })

  it('refuses a resume offset that comes without the prefix hash', async () => {
    const { file } = await localFile(1000)
    const client = await clientFor(async (peer) => {
      peer.hello()
      const put = await peer.read()
      peer.send({ re: put.header['id'], ok: true, ready: true, offset: 10 })
      await peer.closed
    })
    expect(await codeOf(client.upload(file, 'x', { retries: 0 }))).toBe('PROTOCOL')
  })

  it('hashes a large held prefix with no request open, then asks again', async () => {
    // Sparse: 65 MiB of zeros (over the 64 MiB the server is kept waiting for) plus a short tail.
    const prefix = 65 * 1024 * 1024
    const tail = randomBytes(1000)
    const file = path.join(fx.dir, 'sparse.bin')
    await fs.writeFile(file, Buffer.alloc(0))
    await fs.truncate(file, prefix)
    await fs.appendFile(file, tail)
    const zeros = createHash('sha256').update(Buffer.alloc(prefix)).digest('hex')
    const frames: Frame[] = []
    const client = await clientFor(async (peer) => {
      peer.hello()
      const first = await peer.read()
      frames.push(first)
      peer.send({ re: first.header['id'], ok: true, ready: true, offset: prefix, prefixSha256: zeros })
      const cancel = await peer.read()
      frames.push(cancel)
      peer.send({ re: cancel.header['id'], ok: true })
      const put = await peer.read()
      frames.push(put)
      const id = put.header['id']
      peer.send({ re: id, ok: true, ready: true, offset: prefix, prefixSha256: zeros })
      const body = await peer.read()
      const end = await peer.read()
      frames.push(body, end)
      peer.send({
        re: id,
        ok: true,
        done: true,
        path: 'x',
        size: prefix + 1000,
        sha256: end.header['sha256'],
      })
    })
    const whole = createHash('sha256').update(Buffer.alloc(prefix)).update(tail).digest('hex')
    const result = await client.upload(file, 'x')
    expect(result.sha256).toBe(whole)
    expect(frames.map((f) => f.header['op'])).toEqual(['PUT', 'CANCEL', 'PUT', 'DATA', 'DATA_END'])
    expect(frames[1]?.header['discard']).toBeUndefined()
    expect(frames[3]?.body.equals(tail)).toBe(true)
  })

  it('uploads an empty file with an empty DATA frame', async () => {
    const { file } = await localFile(0)
    const frames: Frame[] = []
    const client = await clientFor(async (peer) => {
      peer.hello()
      const { put, data, end } = await acceptPut(peer)
      frames.push(put, data, end)
    })
    await client.upload(file, 'empty')
    expect(frames[1]?.header).toEqual({ op: 'DATA', id: 1, body: 0 })
    expect(frames[2]?.header).toEqual({ op: 'DATA_END', id: 1, sha256: sha256(Buffer.alloc(0)) })
  })

  it('never sends DATA_END for a file that changed while it was sent: CANCEL with discard, SIZE_MISMATCH', async () => {
    const { file } = await localFile(300_000)
    const frames: Frame[] = []
    const client = await clientFor(async (peer) => {
      peer.hello()
      const put = await peer.read()
      frames.push(put)
      await fs.appendFile(file, 'written meanwhile')
      peer.send({ re: put.header['id'], ok: true, ready: true, offset: 0 })
      for (;;) {
        const frame = await peer.read()
        frames.push(frame)
        if (frame.header['op'] === 'CANCEL') peer.send({ re: frame.header['id'], ok: true })
      }
    })
    expect(await codeOf(client.upload(file, 'x'))).toBe('SIZE_MISMATCH')
    expect(frames.map((f) => f.header['op'])).toEqual(['PUT', 'DATA', 'CANCEL'])
    expect(frames[2]?.header['discard']).toBe(true)
  })

  it('fails SIZE_MISMATCH when the file shrinks under the upload', async () => {
    const { file } = await localFile(3 * 1024 * 1024)
    const client = await clientFor(async (peer) => {
      peer.hello()
      const put = await peer.read()
      await fs.truncate(file, 1024 * 1024)
      peer.send({ re: put.header['id'], ok: true, ready: true, offset: 0 })
      await peer.closed
    })
    expect(await codeOf(client.upload(file, 'x'))).toBe('SIZE_MISMATCH')
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
      const { put, data: body } = await acceptPut(peer, 1_000_000, data)
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

  it('putBuffer sends the up-front form: the hash in PUT, no DATA_END', async () => {
    const data = randomBytes(1000)
    const frames: Frame[] = []
    const client = await clientFor(async (peer) => {
      peer.hello()
      const put = await peer.read()
      const id = put.header['id']
      peer.send({ re: id, ok: true, ready: true, offset: 0 })
      const body = await peer.read()
      peer.send({ re: id, ok: true, done: true, path: 'small', size: 1000, sha256: put.header['sha256'] })
      frames.push(put, body)
    })
    const result = await client.putBuffer('small', data, { mode: 'rename' })
    expect(result).toEqual({ path: 'small', size: 1000, sha256: sha256(data) })
    expect(frames[0]?.header).toMatchObject({ mode: 'rename', sha256: sha256(data) })
    expect(frames[1]?.body.equals(data)).toBe(true)
  })
})
