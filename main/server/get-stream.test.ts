import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promises as fsp } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { encodeHeader } from '../protocol/frame-codec'
import { ResponseSchemas } from '../protocol/messages'
import type { TransferEvent } from './events'
import { SMALL_FILE_BYTES } from './get-stream'
import type { TestPeer } from './test-peer'
import { sha256, startTestServer, type TestServer } from './test-fixtures'

let ts: TestServer
let peer: TestPeer
afterEach(() => ts.stop())

async function get(id: number, file: string, offset?: number) {
  const start = await peer.request({ op: 'GET', id, path: file, ...(offset === undefined ? {} : { offset }) })
  if (!start.header['ok']) return { start, done: null }
  const done = await peer.next()
  return { start, done }
}

describe.each([true, false])('GET (fastSmallReads: %s)', (fastSmallReads) => {
  beforeEach(async () => {
    ts = await startTestServer({ fastSmallReads })
    peer = await ts.peer()
  })

  const sizes: Array<[string, number]> = [
    ['small', 4096],
    ['at the small limit', SMALL_FILE_BYTES],
    ['streamed', 3 * 1024 * 1024 + 17],
  ]
  for (const [label, size] of sizes) {
    it(`sends a ${label} file whole and from an offset, with the SHA-256 of the whole file`, async () => {
      const content = randomBytes(size)
      await fsp.writeFile(path.join(ts.root, 'f.bin'), content)
      const whole = await get(1, 'f.bin')
      const head = ResponseSchemas.GET_START.parse(whole.start.header)
      expect(head).toMatchObject({ size, offset: 0, body: size })
      expect(whole.start.body!.equals(content)).toBe(true)
      expect(ResponseSchemas.GET_DONE.parse(whole.done!.header).sha256).toBe(sha256(content))
      const offset = size - 1000
      const tail = await get(2, 'f.bin', offset)
      expect(ResponseSchemas.GET_START.parse(tail.start.header)).toMatchObject({ size, offset, body: 1000 })
      expect(tail.start.body!.equals(content.subarray(offset))).toBe(true)
      expect(tail.done!.header['sha256']).toBe(sha256(content))
      const end = await get(3, 'f.bin', size)
      expect(end.start.body!.length).toBe(0)
      expect(end.done!.header['sha256']).toBe(sha256(content))
    })
  }

  it('sends an empty file', async () => {
    await fsp.writeFile(path.join(ts.root, 'empty'), '')
    const { start, done } = await get(1, 'empty')
    expect(start.header).toMatchObject({ ok: true, size: 0, offset: 0, body: 0 })
    expect(start.body!.length).toBe(0)
    expect(done!.header['sha256']).toBe(sha256(Buffer.alloc(0)))
  })

  it('refuses an offset past the end before any body, and keeps the connection', async () => {
    await fsp.writeFile(path.join(ts.root, 'small'), 'abc')
    await fsp.writeFile(path.join(ts.root, 'big'), Buffer.alloc(SMALL_FILE_BYTES + 1))
    for (const [file, offset] of [
      ['small', 4],
      ['big', SMALL_FILE_BYTES + 2],
    ] as const) {
      const { start } = await get(1, file, offset)
      expect(start.header).toMatchObject({ re: 1, ok: false, error: { code: 'OFFSET_INVALID' } })
      expect(start.body).toBeNull()
    }
    expect((await get(2, 'small')).start.body!.toString()).toBe('abc')
  })

  it('refuses folders and missing files', async () => {
    await fsp.mkdir(path.join(ts.root, 'd'))
    expect((await get(1, 'd')).start.header['error']).toMatchObject({ code: 'IS_A_DIRECTORY' })
    expect((await get(2, 'nope')).start.header['error']).toMatchObject({ code: 'NOT_FOUND' })
    expect((await get(3, '')).start.header['error']).toMatchObject({ code: 'IS_A_DIRECTORY' })
  })

  it('reports download transfers', async () => {
    const events: TransferEvent[] = []
    ts.server.on('transfer', (e) => events.push(e))
    await fsp.writeFile(path.join(ts.root, 'big'), Buffer.alloc(SMALL_FILE_BYTES * 2))
    await fsp.writeFile(path.join(ts.root, 'small'), 'abc')
    await get(1, 'big')
    await get(2, 'small', 1)
    expect(
      events.filter((e) => e.state !== 'progress').map((e) => [e.path, e.state, e.bytes, e.total]),
    ).toEqual([
      ['big', 'started', 0, SMALL_FILE_BYTES * 2],
      ['big', 'done', SMALL_FILE_BYTES * 2, SMALL_FILE_BYTES * 2],
      ['small', 'started', 1, 3],
      ['small', 'done', 3, 3],
    ])
    expect(events.every((e) => e.direction === 'download')).toBe(true)
  })

  it('drops the connection when the file shrinks mid-download, instead of sending a short body', async () => {
    const size = 32 * 1024 * 1024
    const file = path.join(ts.root, 'shrinks')
    await fsp.writeFile(file, Buffer.alloc(size, 7))
    const socket = net.connect({ port: ts.port, host: '127.0.0.1' })
    socket.on('error', () => undefined)
    let received = 0
    let truncated: Promise<void> | null = null
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length
      // Past the HELLO and well into the body: the server is streaming.
      if (truncated || received < 1024 * 1024) return
      // Stop reading so the server blocks on backpressure, then shrink the file under it.
      socket.pause()
      truncated = fsp.truncate(file, 1024).then(() => {
        socket.resume()
      })
    })
    socket.write(encodeHeader({ op: 'GET', id: 1, path: 'shrinks' }))
    await new Promise((resolve) => socket.on('close', resolve))
    expect(received).toBeGreaterThan(0)
    expect(received).toBeLessThan(size)
  })
})

describe.each([true, false])('GET of special files (fastSmallReads: %s)', (fastSmallReads) => {
  it.skipIf(process.platform === 'win32')('refuses a FIFO without blocking on it', async () => {
    ts = await startTestServer({ fastSmallReads })
    peer = await ts.peer()
    execFileSync('mkfifo', [path.join(ts.root, 'pipe')])
    const res = await peer.request({ op: 'GET', id: 1, path: 'pipe' })
    expect(res.header['error']).toMatchObject({ code: 'UNSUPPORTED' })
    expect((await peer.request({ op: 'PING', id: 2 })).header.ok).toBe(true)
  })
})
