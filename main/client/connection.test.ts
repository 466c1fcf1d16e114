// Connection internals that FerryClient tests cannot see: receive backpressure.
import { once } from 'node:events'
import { afterEach, expect, it } from 'vitest'
import { encodeHeader } from '../protocol/frame-codec'
import { openConnection } from './handshake'
import { startFakeServer, type FakeServer } from './test-server'

const BODY = 32 * 1024 * 1024
let server: FakeServer | null = null

afterEach(async () => {
  await server?.close()
  server = null
})

it('pauses the socket while the consumer is behind, then resumes and delivers every byte', async () => {
  let flushed = false
  let markFlushed: () => void = () => undefined
  const allFlushed = new Promise<'flushed'>((resolve) => {
    markFlushed = () => {
      flushed = true
      resolve('flushed')
    }
  })
  server = await startFakeServer(async (peer) => {
    peer.hello()
    const frame = await peer.read()
    const id = frame.header['id']
    peer.socket.write(encodeHeader({ re: id, ok: true, size: BODY, offset: 0, mtimeMs: 1, body: BODY }))
    // Larger than every buffer between the two sockets: it can only be flushed if the client keeps reading.
    peer.socket.write(Buffer.alloc(BODY, 7), () => markFlushed())
  })
  const conn = await openConnection(
    { host: '127.0.0.1', port: server.port, connectTimeoutMs: 5000 },
    () => undefined,
  )
  conn.begin()
  conn.write(encodeHeader({ op: 'GET', id: conn.newId(), path: 'x' }))
  expect((await conn.next()).kind).toBe('header')
  const first = await Promise.race([once(conn.socket, 'pause').then(() => 'paused' as const), allFlushed])
  expect(first).toBe('paused')
  expect(conn.bufferedBodyBytes).toBeLessThan(2 * 1024 * 1024)
  let received = 0
  for (;;) {
    const event = await conn.next()
    if (event.kind === 'end') break
    if (event.kind === 'body') received += event.chunk.length
  }
  expect(received).toBe(BODY)
  await allFlushed
  expect(flushed).toBe(true)
  conn.end()
  await conn.close()
})
