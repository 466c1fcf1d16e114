import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeHeader } from '../protocol/frame-codec'
import { HelloSchema, NoticeSchema } from '../protocol/messages'
import { idleTimeoutFor } from '../protocol/idle-policy'
import { FerryServer } from './ferry-server'
import { TestPeer } from './test-peer'
import { startTestServer, type TestServer } from './test-fixtures'

let ts: TestServer | null = null
afterEach(async () => {
  await ts?.stop()
  ts = null
})

describe('FerryServer connections', () => {
  it('greets with a valid HELLO whose idle timeout follows the policy', async () => {
    const policy = { maxMs: 60_000, minMs: 1_000, halfAt: 1 }
    ts = await startTestServer({ idlePolicy: policy, name: 'box' })
    const first = await TestPeer.open(ts.port)
    const second = await TestPeer.open(ts.port)
    const hello1 = HelloSchema.parse(first.hello)
    const hello2 = HelloSchema.parse(second.hello)
    expect(hello1.server).toBe('box')
    expect(hello1.auth).toBe('none')
    expect(hello1.idleTimeoutMs).toBe(idleTimeoutFor(1, policy))
    expect(hello2.idleTimeoutMs).toBe(idleTimeoutFor(2, policy))
    expect(hello2.idleTimeoutMs).toBe(30_000)
    expect(ts.server.clients().map((c) => c.idleTimeoutMs)).toEqual([60_000, 30_000])
    await Promise.all([first.peer.destroy(), second.peer.destroy()])
  })

  it('rejects an invalid idle policy', async () => {
    await expect(
      FerryServer.start({ root: '/nonexistent', idlePolicy: { minMs: 10, maxMs: 5 } }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    await expect(
      FerryServer.start({ root: '/nonexistent', idlePolicy: { halfAt: 0 } }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
  })

  it('reports a port in use as a FerryError', async () => {
    ts = await startTestServer()
    await expect(FerryServer.start({ root: ts.root, port: ts.port })).rejects.toMatchObject({
      name: 'FerryError',
      message: expect.stringContaining(`127.0.0.1:${ts.port}`),
    })
  })

  it('closes an idle connection with a TIMEOUT notice, and requests keep it alive', async () => {
    ts = await startTestServer({ idlePolicy: { maxMs: 200, minMs: 200 } })
    const left = new Promise<{ id: string; reason: string }>((resolve) =>
      ts!.server.once('client-left', resolve),
    )
    const peer = await ts.peer()
    // A few requests while the clock runs: answered, connection alive.
    for (let id = 1; id <= 3; id++) expect((await peer.request({ op: 'PING', id })).header.ok).toBe(true)
    const notice = await peer.next()
    expect(NoticeSchema.parse(notice.header).error.code).toBe('TIMEOUT')
    await peer.closed
    expect((await left).reason).toBe('idle timeout')
  })

  it('answers BUSY over maxConnections and keeps serving the others', async () => {
    ts = await startTestServer({ maxConnections: 1 })
    const first = await ts.peer()
    const second = await TestPeer.connect(ts.port)
    const frames = await second.drainUntilClosed()
    expect(frames.map((f) => NoticeSchema.parse(f.header).error.code)).toEqual(['BUSY'])
    expect((await first.request({ op: 'PING', id: 1 })).header.ok).toBe(true)
  })

  it('closes with a PROTOCOL (or TOO_LARGE) notice on broken framing without affecting other clients', async () => {
    ts = await startTestServer()
    const good = await ts.peer()
    const cases: Array<[Buffer, string]> = [
      [Buffer.concat([Buffer.from([0, 0, 0, 5]), Buffer.from('{nope')]), 'PROTOCOL'], // invalid JSON
      [Buffer.from([0, 1, 0, 1]), 'TOO_LARGE'], // header over 64 KiB
      [Buffer.from([0, 0, 0, 0]), 'PROTOCOL'], // empty header
      [encodeHeader({ op: 'PING' }), 'PROTOCOL'], // valid frame, but no id to answer to
    ]
    for (const [bytes, code] of cases) {
      const bad = await ts.peer()
      bad.sendRaw(bytes)
      const frames = await bad.drainUntilClosed()
      expect(frames.map((f) => NoticeSchema.parse(f.header).error.code)).toEqual([code])
    }
    expect((await good.request({ op: 'PING', id: 9 })).header).toMatchObject({ re: 9, ok: true })
  })

  it('answers invalid requests with an error and keeps the connection', async () => {
    ts = await startTestServer()
    const peer = await ts.peer()
    expect((await peer.request({ op: 'NOPE', id: 1 })).header).toMatchObject({
      re: 1,
      ok: false,
      error: { code: 'UNSUPPORTED' },
    })
    expect((await peer.request({ op: 'STAT', id: 2 })).header.error).toMatchObject({ code: 'PROTOCOL' })
    expect(
      (await peer.request({ op: 'PUT', id: 3, path: 'a', size: 1, sha256: 'x', mode: 'fail' })).header.error,
    ).toMatchObject({
      code: 'PROTOCOL',
    })
    // A body on an op that takes none is skipped whole, so the next frame still parses.
    expect(
      (await peer.request({ op: 'PING', id: 4, body: 3 }, Buffer.from('abc'))).header.error,
    ).toMatchObject({
      code: 'PROTOCOL',
    })
    expect(
      (await peer.request({ op: 'DATA', id: 5, body: 2 }, Buffer.from('zz'))).header.error,
    ).toMatchObject({
      code: 'PROTOCOL',
    })
    expect((await peer.request({ op: 'PING', id: 6 })).header).toMatchObject({ re: 6, ok: true })
  })

  it('answers pipelined requests in order', async () => {
    ts = await startTestServer()
    const peer = await ts.peer()
    const ops = [
      { op: 'PING', id: 1 },
      { op: 'LIST', id: 2, path: '' },
      { op: 'STAT', id: 3, path: 'missing' },
      { op: 'MKDIR', id: 4, path: 'd' },
      { op: 'STAT', id: 5, path: 'd' },
    ]
    peer.sendRaw(Buffer.concat(ops.map((o) => encodeHeader(o))))
    const res = []
    for (let i = 0; i < ops.length; i++) res.push((await peer.next()).header)
    expect(res.map((h) => [h['re'], h['ok']])).toEqual([
      [1, true],
      [2, true],
      [3, false],
      [4, true],
      [5, true],
    ])
  })

  it('serves many pipelined GETs in order to a slow reader', async () => {
    ts = await startTestServer()
    const content = Buffer.alloc(60_000, 3)
    await fsp.writeFile(path.join(ts.root, 'f'), content)
    const peer = await ts.peer()
    const count = 300
    // ~18 MB of responses requested at once: more than the socket buffers hold, so the server must wait for drains.
    peer.sendRaw(
      Buffer.concat(
        Array.from({ length: count }, (_, i) => encodeHeader({ op: 'GET', id: i + 1, path: 'f' })),
      ),
    )
    for (let i = 1; i <= count; i++) {
      const start = await peer.next()
      expect(start.header).toMatchObject({ re: i, ok: true, size: content.length })
      expect(start.body!.equals(content)).toBe(true)
      expect((await peer.next()).header).toMatchObject({ re: i, done: true })
    }
  })

  it('requires AUTH when a token is configured', async () => {
    ts = await startTestServer({ token: 's3cret' })
    const { peer, hello } = await TestPeer.open(ts.port)
    expect(hello['auth']).toBe('token')
    expect((await peer.request({ op: 'LIST', id: 1, path: '' })).header.error).toMatchObject({
      code: 'AUTH_REQUIRED',
    })
    expect((await peer.request({ op: 'AUTH', id: 2, token: 'wrong' })).header.error).toMatchObject({
      code: 'AUTH_FAILED',
    })
    expect((await peer.request({ op: 'AUTH', id: 3, token: 's3cret' })).header).toMatchObject({ ok: true })
    expect((await peer.request({ op: 'LIST', id: 4, path: '' })).header).toMatchObject({ ok: true })
    await peer.destroy()
  })

  it('emits client-connected and client-left', async () => {
    ts = await startTestServer()
    const connected = new Promise<{ id: string }>((resolve) => ts!.server.once('client-connected', resolve))
    const left = new Promise<{ id: string; reason: string }>((resolve) =>
      ts!.server.once('client-left', resolve),
    )
    const peer = await ts.peer()
    const { id } = await connected
    await peer.close()
    expect(await left).toEqual({ id, reason: 'closed by the client' })
    expect(ts.server.clients()).toEqual([])
  })
})
