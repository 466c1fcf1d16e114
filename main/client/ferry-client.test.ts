// Handshake, request/response validation and connection lifecycle, against the scripted fake server.
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import type { FerryError } from '../protocol/error-codes'
import { encodeHeader } from '../protocol/frame-codec'
import { FerryClient } from './ferry-client'
import { codeOf, setupFakeServer } from './test-fixtures'
import type { Script } from './test-server'

const fx = setupFakeServer()
const { serve, connect } = fx

/** Answers every request with `answer(header)`; ends when the client leaves. */
function answering(answer: (h: Record<string, unknown>) => Record<string, unknown>): Script {
  return async (peer) => {
    peer.hello()
    for (;;) {
      const frame = await peer.read()
      peer.send({ re: frame.header['id'], ...answer(frame.header) })
    }
  }
}

describe('FerryClient handshake', () => {
  it('connects and exposes the greeting', async () => {
    const port = await serve((peer) => peer.hello({ server: 'box', idleTimeoutMs: 1234 }))
    const client = await connect(port)
    expect(client.hello.server).toBe('box')
    expect(client.idleTimeoutMs).toBe(1234)
    expect(client.closed).toBe(false)
  })

  it('fails with CONNECTION_FAILED when nothing listens', async () => {
    const probe = net.createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const { port } = probe.address() as net.AddressInfo
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    expect(await codeOf(FerryClient.connect({ host: '127.0.0.1', port }))).toBe('CONNECTION_FAILED')
  })

  it('times out when the server never greets', async () => {
    const port = await serve(() => undefined)
    expect(await codeOf(connect(port, { connectTimeoutMs: 150 }))).toBe('TIMEOUT')
  })

  it('cancels a handshake with its signal', async () => {
    const port = await serve(() => undefined)
    const controller = new AbortController()
    const pending = FerryClient.connect({ host: '127.0.0.1', port, signal: controller.signal })
    controller.abort()
    expect(await codeOf(pending)).toBe('CANCELLED')
  })

  it('refuses another protocol version with UNSUPPORTED', async () => {
    const port = await serve((peer) => peer.hello({ protocol: 2 }))
    expect(await codeOf(connect(port))).toBe('UNSUPPORTED')
  })

  it('refuses a malformed greeting with PROTOCOL', async () => {
    const port = await serve((peer) => peer.hello({ idleTimeoutMs: 'soon' }))
    expect(await codeOf(connect(port))).toBe('PROTOCOL')
  })

  it('reports a BUSY notice instead of a greeting', async () => {
    const port = await serve((peer) =>
      peer.send({ type: 'notice', error: { code: 'BUSY', message: 'full' } }),
    )
    expect(await codeOf(connect(port))).toBe('BUSY')
  })

  it('needs a token when the server asks for one', async () => {
    const port = await serve((peer) => peer.hello({ auth: 'token' }))
    expect(await codeOf(connect(port))).toBe('AUTH_REQUIRED')
  })

  it('sends AUTH first and reports AUTH_FAILED', async () => {
    const seen: unknown[] = []
    const port = await serve(async (peer) => {
      peer.hello({ auth: 'token' })
      const auth = await peer.read()
      seen.push(auth.header)
      const ok = auth.header['token'] === 'right'
      peer.send(
        ok
          ? { re: auth.header['id'], ok: true }
          : { re: auth.header['id'], ok: false, error: { code: 'AUTH_FAILED', message: 'no' } },
      )
    })
    expect(await codeOf(connect(port, { token: 'wrong' }))).toBe('AUTH_FAILED')
    await connect(port, { token: 'right' })
    expect(seen).toEqual([
      { op: 'AUTH', id: 1, token: 'wrong' },
      { op: 'AUTH', id: 1, token: 'right' },
    ])
  })
})

describe('FerryClient requests', () => {
  it('serializes requests with increasing ids and validates responses', async () => {
    const ids: unknown[] = []
    const port = await serve(
      answering((h) => {
        ids.push(h['id'])
        if (h['op'] === 'PING') return { ok: true, time: 5 }
        if (h['op'] === 'MKDIR') return { ok: true, path: h['path'] }
        if (h['op'] === 'STAT')
          return { ok: true, entry: { path: h['path'], name: 'a', type: 'file', size: 3, mtimeMs: 1 } }
        return { ok: false, error: { code: 'NOT_FOUND', message: 'nope' } }
      }),
    )
    const client = await connect(port)
    const results = await Promise.all([
      client.ping(),
      client.mkdir('x'),
      client.stat('a'),
      codeOf(client.delete('gone')),
      client.mkdir('y'),
    ])
    expect(typeof results[0]).toBe('number')
    expect(results.slice(1)).toEqual([
      'x',
      { path: 'a', name: 'a', type: 'file', size: 3, mtimeMs: 1 },
      'NOT_FOUND',
      'y',
    ])
    expect(ids).toEqual([1, 2, 3, 4, 5])
  })

  it('refuses invalid paths before sending anything', async () => {
    const port = await serve((peer) => peer.hello())
    const client = await connect(port)
    expect(await codeOf(client.stat('../etc'))).toBe('PATH_INVALID')
    expect(await codeOf(client.delete(''))).toBe('PATH_INVALID')
  })

  const malformed: Array<[string, (h: Record<string, unknown>) => Record<string, unknown>]> = [
    ['a response to another id', (h) => ({ re: Number(h['id']) + 1, ok: true, time: 1 })],
    ['a response missing fields', () => ({ ok: true })],
    ['an unknown error code', () => ({ ok: false, error: { code: 'WAT', message: '' } })],
    ['an unexpected body', () => ({ ok: true, time: 1, body: 0 })],
  ]
  for (const [name, answer] of malformed) {
    it(`closes the connection on ${name} (PROTOCOL)`, async () => {
      const port = await serve(answering((h) => ({ re: h['id'], ...answer(h) })))
      const client = await connect(port)
      const closed = new Promise((resolve) => client.on('close', resolve))
      expect(await codeOf(client.ping())).toBe('PROTOCOL')
      expect(((await closed) as FerryError).code).toBe('PROTOCOL')
    })
  }

  it('closes on garbage frames with PROTOCOL', async () => {
    const port = await serve(async (peer) => {
      peer.hello()
      await peer.read()
      peer.raw(Buffer.from([0, 0, 0, 3, 0x61, 0x62, 0x63]))
    })
    const client = await connect(port)
    expect(await codeOf(client.ping())).toBe('PROTOCOL')
    expect(client.connected).toBe(false)
  })

  it('treats an unsolicited response as PROTOCOL', async () => {
    const port = await serve((peer) => {
      peer.hello()
      peer.send({ re: 1, ok: true, time: 3 })
    })
    const client = await connect(port)
    const reason = await new Promise<FerryError | null>((resolve) => client.on('close', resolve))
    expect(reason?.code).toBe('PROTOCOL')
  })

  it('rejects a pending request with the code of a notice, then reconnects for the next one', async () => {
    const port = await serve(async (peer, index) => {
      peer.hello()
      const frame = await peer.read()
      if (index === 0) {
        peer.send({ type: 'notice', error: { code: 'SHUTTING_DOWN', message: 'bye' } })
        peer.socket.end()
      } else {
        peer.send({ re: frame.header['id'], ok: true, time: 1 })
      }
    })
    const client = await connect(port)
    expect(await codeOf(client.ping())).toBe('SHUTTING_DOWN')
    expect(await client.ping()).toBeGreaterThanOrEqual(0)
    expect(fx.server?.connections).toBe(2)
  })

  it('treats an idle close by the server as normal: the next request reconnects', async () => {
    const port = await serve(async (peer, index) => {
      peer.hello()
      if (index === 0) {
        peer.send({ type: 'notice', error: { code: 'TIMEOUT', message: 'idle' } })
        peer.socket.end()
        return
      }
      const frame = await peer.read()
      peer.send({ re: frame.header['id'], ok: true, time: 1 })
    })
    const client = await connect(port)
    const reason = await new Promise<FerryError | null>((resolve) => client.on('close', resolve))
    expect(reason?.code).toBe('TIMEOUT')
    expect(client.closed).toBe(false)
    await client.ping()
    expect(fx.server?.connections).toBe(2)
  })

  it('retries once when the idle notice races the request', async () => {
    const port = await serve(async (peer, index) => {
      peer.hello()
      const frame = await peer.read()
      if (index === 0) {
        // The server had decided to close before it saw the request: it never answers it.
        peer.send({ type: 'notice', error: { code: 'TIMEOUT', message: 'idle' } })
        peer.socket.end()
        return
      }
      peer.send({ re: frame.header['id'], ok: true, path: frame.header['path'] })
    })
    const client = await connect(port)
    expect(await client.mkdir('made')).toBe('made')
    expect(fx.server?.connections).toBe(2)
  })

  it('closes its own idle connection within the announced budget and reconnects', async () => {
    const port = await serve(async (peer, index) => {
      peer.hello({ idleTimeoutMs: index === 0 ? 100 : 300_000 })
      const frame = await peer.read()
      peer.send({ re: frame.header['id'], ok: true, time: 1 })
    })
    const client = await connect(port)
    await client.ping()
    const reason = await new Promise<FerryError | null>((resolve) => client.on('close', resolve))
    expect(reason).toBeNull()
    await client.ping()
    expect(fx.server?.connections).toBe(2)
  })

  it('cancels a request still waiting in the queue without sending it', async () => {
    const ops: unknown[] = []
    let answerFirst: () => void = () => undefined
    let markHeld: () => void = () => undefined
    const held = new Promise<void>((resolve) => (markHeld = resolve))
    const port = await serve(async (peer) => {
      peer.hello()
      for (;;) {
        const frame = await peer.read()
        ops.push(frame.header['op'])
        if (frame.header['op'] === 'MKDIR') {
          await new Promise<void>((resolve) => {
            answerFirst = resolve
            markHeld()
          })
        }
        peer.send({
          re: frame.header['id'],
          ok: true,
          ...(frame.header['op'] === 'MKDIR' ? { path: 'a' } : { time: 1 }),
        })
      }
    })
    const client = await connect(port)
    const first = client.mkdir('a')
    await held
    const controller = new AbortController()
    const queued = client.getBuffer('x', { signal: controller.signal })
    controller.abort()
    expect(await codeOf(queued)).toBe('CANCELLED')
    answerFirst()
    expect(await first).toBe('a')
    await client.ping()
    expect(ops).toEqual(['MKDIR', 'PING'])
  })

  it('fails requests after close() with CONNECTION_CLOSED', async () => {
    const port = await serve((peer) => peer.hello())
    const client = await connect(port)
    await client.close()
    expect(client.closed).toBe(true)
    expect(await codeOf(client.ping())).toBe('CONNECTION_CLOSED')
  })

  it('parses and bounds LIST bodies', async () => {
    const entries = [{ name: 'a.txt', type: 'file', size: 1, mtimeMs: 2 }]
    const port = await serve(async (peer) => {
      peer.hello()
      let frame = await peer.read()
      const body = Buffer.from(JSON.stringify(entries))
      peer.send({ re: frame.header['id'], ok: true, count: 1, body: body.length }, body)
      frame = await peer.read()
      peer.send({ re: frame.header['id'], ok: true, count: 1, body: 3 }, Buffer.from('[{]'))
    })
    const client = await connect(port)
    expect(await client.list('')).toEqual(entries)
    expect(await codeOf(client.list('x'))).toBe('PROTOCOL')
  })

  it('refuses a LIST body over the limit without reading it', async () => {
    const port = await serve(async (peer) => {
      peer.hello()
      const frame = await peer.read()
      peer.raw(encodeHeader({ re: frame.header['id'], ok: true, count: 1, body: 65 * 1024 * 1024 }))
    })
    const client = await connect(port)
    expect(await codeOf(client.list(''))).toBe('TOO_LARGE')
  })
})
