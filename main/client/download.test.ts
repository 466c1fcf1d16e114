// Downloads against the scripted fake server: verification, resume, reconnect, cancel, hostile answers.
import { randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { PART_SUFFIX } from './download'
import { codeOf, setupFakeServer } from './test-fixtures'
import { serveGet, sha256, type Frame, type Script } from './test-server'

const fx = setupFakeServer('ferry-client-dl-')
const { clientFor } = fx

/** Serves every GET of every connection with `data`. */
function serving(data: Buffer, requests: Frame[] = [], options: { sha256?: string } = {}): Script {
  return async (peer) => {
    peer.hello()
    for (;;) {
      const frame = await peer.read()
      requests.push(frame)
      serveGet(peer, frame, data, options)
    }
  }
}

describe('FerryClient.download', () => {
  it('writes the file under its name only at the end, with the remote mtime', async () => {
    const data = randomBytes(300_000)
    const client = await clientFor(serving(data))
    const target = path.join(fx.dir, 'sub', 'file.bin')
    const progress: Array<{ bytes: number; total: number }> = []
    const result = await client.download('file.bin', target, { onProgress: (p) => progress.push(p) })
    expect(result).toEqual({ path: target, size: data.length, sha256: sha256(data) })
    expect((await fs.readFile(target)).equals(data)).toBe(true)
    expect(await fs.readdir(path.dirname(target))).toEqual(['file.bin'])
    expect((await fs.stat(target)).mtimeMs).toBe(1_700_000_000_000)
    expect(progress.at(-1)).toMatchObject({ bytes: data.length, total: data.length })
  })

  it('creates nothing locally when the server refuses', async () => {
    const client = await clientFor(async (peer) => {
      peer.hello()
      const frame = await peer.read()
      peer.send({ re: frame.header['id'], ok: false, error: { code: 'NOT_FOUND', message: 'no such file' } })
    })
    expect(await codeOf(client.download('gone', path.join(fx.dir, 'new', 'gone')))).toBe('NOT_FOUND')
    expect(await fs.readdir(fx.dir)).toEqual([])
  })

  it('deletes the partial file and shows nothing when the hash does not match', async () => {
    const data = randomBytes(10_000)
    const client = await clientFor(serving(data, [], { sha256: sha256(Buffer.from('other')) }))
    const target = path.join(fx.dir, 'file.bin')
    expect(await codeOf(client.download('file.bin', target))).toBe('CHECKSUM_MISMATCH')
    expect(await fs.readdir(fx.dir)).toEqual([])
  })

  it('resumes from an existing partial file and hashes the prefix too', async () => {
    const data = randomBytes(100_000)
    const target = path.join(fx.dir, 'file.bin')
    await fs.writeFile(target + PART_SUFFIX, data.subarray(0, 40_000))
    const requests: Frame[] = []
    const client = await clientFor(serving(data, requests))
    await client.download('file.bin', target)
    expect(requests.map((r) => r.header['offset'])).toEqual([40_000])
    expect((await fs.readFile(target)).equals(data)).toBe(true)
  })

  it('catches a corrupt partial file: the whole-file hash differs', async () => {
    const data = randomBytes(50_000)
    const target = path.join(fx.dir, 'file.bin')
    await fs.writeFile(target + PART_SUFFIX, randomBytes(20_000))
    const client = await clientFor(serving(data))
    expect(await codeOf(client.download('file.bin', target))).toBe('CHECKSUM_MISMATCH')
    expect(await fs.readdir(fx.dir)).toEqual([])
  })

  it('starts over when asked not to resume', async () => {
    const data = randomBytes(50_000)
    const target = path.join(fx.dir, 'file.bin')
    await fs.writeFile(target + PART_SUFFIX, randomBytes(20_000))
    const requests: Frame[] = []
    const client = await clientFor(serving(data, requests))
    await client.download('file.bin', target, { resume: false })
    expect(requests.map((r) => r.header['offset'])).toEqual([undefined])
    expect((await fs.readFile(target)).equals(data)).toBe(true)
  })

  it('refuses to replace an existing file before transferring anything', async () => {
    const requests: Frame[] = []
    const client = await clientFor(serving(Buffer.from('new'), requests))
    const target = path.join(fx.dir, 'file.bin')
    await fs.writeFile(target, 'old')
    expect(await codeOf(client.download('file.bin', target))).toBe('EXISTS')
    expect(requests).toEqual([])
    await client.download('file.bin', target, { overwrite: true })
    expect(await fs.readFile(target, 'utf8')).toBe('new')
  })

  it('reconnects and resumes when the connection drops mid-body', async () => {
    const data = randomBytes(200_000)
    const offsets: unknown[] = []
    const client = await clientFor(async (peer, index) => {
      peer.hello()
      const frame = await peer.read()
      offsets.push(frame.header['offset'])
      if (index === 0) {
        const id = frame.header['id']
        peer.send({ re: id, ok: true, size: data.length, offset: 0, mtimeMs: 1, body: data.length })
        peer.raw(data.subarray(0, 70_000))
        peer.socket.end()
        return
      }
      serveGet(peer, frame, data)
    })
    const target = path.join(fx.dir, 'file.bin')
    await client.download('file.bin', target)
    expect(offsets).toEqual([undefined, 70_000])
    expect((await fs.readFile(target)).equals(data)).toBe(true)
  })

  it('gives up with CONNECTION_CLOSED after the allowed retries', async () => {
    const client = await clientFor(async (peer) => {
      peer.hello()
      const frame = await peer.read()
      peer.send({ re: frame.header['id'], ok: true, size: 10, offset: 0, mtimeMs: 1, body: 10 })
      peer.socket.destroy()
    })
    expect(await codeOf(client.download('f', path.join(fx.dir, 'f'), { retries: 1 }))).toBe(
      'CONNECTION_CLOSED',
    )
    expect(fx.server?.connections).toBe(2)
  })

  it('cancels mid-body: CANCELLED, partial kept for resuming, next request reconnects', async () => {
    const data = randomBytes(100_000)
    const client = await clientFor(async (peer, index) => {
      peer.hello()
      const frame = await peer.read()
      if (index === 0) {
        const id = frame.header['id']
        peer.send({ re: id, ok: true, size: data.length, offset: 0, mtimeMs: 1, body: data.length })
        peer.raw(data.subarray(0, 30_000))
        await peer.closed
        return
      }
      serveGet(peer, frame, data)
    })
    const controller = new AbortController()
    const target = path.join(fx.dir, 'file.bin')
    const download = client.download('file.bin', target, {
      signal: controller.signal,
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.bytes >= 30_000) controller.abort()
      },
    })
    expect(await codeOf(download)).toBe('CANCELLED')
    expect(await fs.readdir(fx.dir)).toEqual(['file.bin' + PART_SUFFIX])
    expect((await fs.stat(target + PART_SUFFIX)).size).toBe(30_000)
    await client.download('file.bin', target)
    expect((await fs.readFile(target)).equals(data)).toBe(true)
  })

  it('stops at once, without retrying, when the client is closed mid-transfer', async () => {
    const client = await clientFor(async (peer) => {
      peer.hello()
      const frame = await peer.read()
      peer.send(
        { re: frame.header['id'], ok: true, size: 100, offset: 0, mtimeMs: 1, body: 100 },
        Buffer.alloc(10),
      )
      await peer.closed
    })
    const download = client.download('f', path.join(fx.dir, 'f'), {
      progressIntervalMs: 0,
      onProgress: () => void client.close(),
    })
    expect(await codeOf(download)).toBe('CONNECTION_CLOSED')
    expect(fx.server?.connections).toBe(1)
  })

  const hostile: Array<[string, string, (id: unknown, peer: Parameters<Script>[0]) => void]> = [
    [
      'a body longer than declared',
      'PROTOCOL',
      (id, peer) => {
        peer.send({ re: id, ok: true, size: 5, offset: 0, mtimeMs: 1, body: 5 }, Buffer.from('helloEXTRA'))
        peer.send({ re: id, ok: true, done: true, sha256: sha256(Buffer.from('hello')) })
      },
    ],
    [
      'a body that disagrees with the size',
      'PROTOCOL',
      (id, peer) =>
        peer.send({ re: id, ok: true, size: 9, offset: 0, mtimeMs: 1, body: 5 }, Buffer.from('hello')),
    ],
    [
      'a done frame without a valid hash',
      'PROTOCOL',
      (id, peer) => {
        peer.send({ re: id, ok: true, size: 5, offset: 0, mtimeMs: 1, body: 5 }, Buffer.from('hello'))
        peer.send({ re: id, ok: true, done: true, sha256: 'abc' })
      },
    ],
  ]
  for (const [name, code, answer] of hostile) {
    it(`rejects ${name} with ${code} and leaves nothing visible`, async () => {
      const client = await clientFor(async (peer) => {
        peer.hello()
        const frame = await peer.read()
        answer(frame.header['id'], peer)
        await peer.closed
      })
      const target = path.join(fx.dir, 'file.bin')
      expect(await codeOf(client.download('file.bin', target))).toBe(code)
      await expect(fs.stat(target)).rejects.toThrow()
    })
  }

  it('getBuffer verifies the hash and enforces maxBytes', async () => {
    const data = randomBytes(5000)
    let calls = 0
    const client = await clientFor(async (peer) => {
      peer.hello()
      for (;;) {
        const frame = await peer.read()
        calls++
        serveGet(peer, frame, data, calls === 2 ? { sha256: sha256(Buffer.from('x')) } : {})
      }
    })
    expect((await client.getBuffer('a')).equals(data)).toBe(true)
    expect(await codeOf(client.getBuffer('a'))).toBe('CHECKSUM_MISMATCH')
    expect(await codeOf(client.getBuffer('a', { maxBytes: 100 }))).toBe('TOO_LARGE')
  })
})
