// Abuse limits of the real server, driven by raw peers: access token with per-address rate limiting, AUTH and
// header deadlines, minimum upload progress, a reader that never reads, per-address connection caps, quota and
// strict number parsing. Server-side timers are set short; the tests wait for the server's own events.
import { once } from 'node:events'
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeHeader } from '../protocol/frame-codec'
import { FerryClient } from '../client'
import type { ServerOptions, TransferEvent } from '../server'
import { expectServing, pattern, rejection, sha256, startShare, visible, type Share } from './harness'
import { TestPeer } from '../server/test-peer'

let share: Share | null = null
const peers: TestPeer[] = []

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.destroy()))
  await share?.stop()
  share = null
})

async function serve(options: Partial<ServerOptions> = {}): Promise<Share> {
  share = await startShare(options)
  return share
}

async function peer(localAddress?: string): Promise<TestPeer> {
  const p = await TestPeer.connect(share!.port, localAddress)
  peers.push(p)
  expect((await p.next()).header['type']).toBe('hello')
  return p
}

const errorCode = (frame: { header: Record<string, unknown> }): unknown =>
  (frame.header['error'] as { code?: unknown } | undefined)?.code

describe('access token', () => {
  it('refuses everything before AUTH, then rate-limits wrong tokens per address', async () => {
    await serve({ token: 'open sesame', authFailures: { maxFailures: 3, lockoutMs: 60_000 } })
    const a = await peer()
    expect(errorCode(await a.request({ op: 'LIST', id: 1, path: '' }))).toBe('AUTH_REQUIRED')
    expect(errorCode(await a.request({ op: 'GET', id: 2, path: 'x' }))).toBe('AUTH_REQUIRED')
    for (let i = 0; i < 3; i++) {
      expect(errorCode(await a.request({ op: 'AUTH', id: 10 + i, token: `guess ${i}` }))).toBe('AUTH_FAILED')
    }
    // Locked out: even the right token is not checked now.
    expect(errorCode(await a.request({ op: 'AUTH', id: 20, token: 'open sesame' }))).toBe('RATE_LIMITED')
    const sameHost = await peer()
    expect(errorCode(await sameHost.request({ op: 'AUTH', id: 1, token: 'open sesame' }))).toBe(
      'RATE_LIMITED',
    )
    // Another address is not affected.
    const other = await peer('127.0.0.2')
    expect((await other.request({ op: 'AUTH', id: 1, token: 'open sesame' })).header['ok']).toBe(true)
    expect((await other.request({ op: 'LIST', id: 2, path: '' })).header['ok']).toBe(true)
  })

  it('the real client authenticates with the right token and gets AUTH_FAILED with a wrong one', async () => {
    const { port } = await serve({ token: '1234' })
    expect((await rejection(FerryClient.connect({ host: '127.0.0.1', port }))).code).toBe('AUTH_REQUIRED')
    expect((await rejection(FerryClient.connect({ host: '127.0.0.1', port, token: '4321' }))).code).toBe(
      'AUTH_FAILED',
    )
    await expectServing(port, '1234')
  })

  it('closes a connection that does not authenticate in time', async () => {
    await serve({ token: 't', authTimeoutMs: 100 })
    const idle = await peer()
    const frames = await idle.drainUntilClosed()
    expect(frames.map(errorCode)).toEqual(['TIMEOUT'])
  })
})

describe('slowloris', () => {
  it('closes a connection whose frame header trickles in', async () => {
    await serve({ progress: { headerTimeoutMs: 100 } })
    const slow = await peer()
    slow.sendRaw(Buffer.from([0, 0, 0]))
    expect((await slow.drainUntilClosed()).map(errorCode)).toEqual(['TIMEOUT'])
    await expectServing(share!.port)
  })

  it('times a trickled header from its first length byte: the clock does not start again after the prefix', async () => {
    await serve({ progress: { headerTimeoutMs: 500 } })
    const slow = await peer()
    const frame = encodeHeader({ op: 'PING', id: 1 })
    let closed = false
    const drained = slow.drainUntilClosed().then((frames) => {
      closed = true
      return frames
    })
    // One byte every 250 ms. Timed from the first byte, the deadline ends while the 4-byte prefix is still
    // arriving; a clock restarted after the prefix would let five or more bytes in.
    let sent = 0
    for (; sent < frame.length && !closed; sent++) {
      slow.sendRaw(frame.subarray(sent, sent + 1))
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    expect((await drained).map(errorCode)).toEqual(['TIMEOUT'])
    expect(sent).toBeLessThanOrEqual(4)
  })

  it('answers an over-size frame header with TOO_LARGE, as documented, and closes', async () => {
    await serve()
    const big = await peer()
    const length = Buffer.alloc(4)
    length.writeUInt32BE(64 * 1024 + 1)
    big.sendRaw(length)
    expect((await big.drainUntilClosed()).map(errorCode)).toEqual(['TOO_LARGE'])
    await expectServing(share!.port)
  })

  it('answers a path longer than the limit with PATH_INVALID, not PROTOCOL, and keeps the session', async () => {
    await serve()
    const p = await peer()
    expect(errorCode(await p.request({ op: 'STAT', id: 1, path: 'a'.repeat(5000) }))).toBe('PATH_INVALID')
    expect(errorCode(await p.request({ op: 'GET', id: 2, path: 'é'.repeat(2100) }))).toBe('PATH_INVALID')
    expect((await p.request({ op: 'PING', id: 3 })).header['ok']).toBe(true)
  })

  it('closes an upload that sends less than the minimum rate, and shows nothing of it', async () => {
    await serve({ progress: { minBodyBytes: 64 * 1024, progressWindowMs: 100 } })
    const slow = await peer()
    const data = pattern(1_000_000, 5)
    const ready = await slow.request({
      op: 'PUT',
      id: 1,
      path: 'slow.bin',
      size: data.length,
      sha256: sha256(data),
      mode: 'fail',
    })
    expect(ready.header['ready']).toBe(true)
    const left = once(share!.server, 'client-left')
    slow.send({ op: 'DATA', id: 1, body: data.length })
    slow.sendRaw(data.subarray(0, 100))
    const [event] = (await left) as [{ reason: string }]
    expect(event.reason).toMatch(/slow peer: upload slower/)
    expect(await visible(share!.root)).toEqual({})
    await expectServing(share!.port)
  })

  it('drops a reader that never reads, having buffered only a bounded amount', async () => {
    await serve({ progress: { drainTimeoutMs: 200 } })
    const size = 48 * 1024 * 1024
    const file = await fsp.open(path.join(share!.root, 'big.bin'), 'w')
    await file.truncate(size)
    await file.close()
    const failed = new Promise<TransferEvent>((resolve) =>
      share!.server.on('transfer', (e) => {
        if (e.state === 'failed') resolve(e)
      }),
    )
    const reader = await peer()
    reader.socket.pause() // never reads again
    reader.send({ op: 'GET', id: 1, path: 'big.bin' })
    const event = await failed
    // What the server had written when it gave up: kernel socket buffers, not the file.
    expect(event.bytes).toBeLessThan(size / 3)
    await expectServing(share!.port)
  })
})

describe('connection caps', () => {
  it('caps connections per address with a BUSY notice; other addresses still get in', async () => {
    await serve({ maxConnectionsPerAddress: 2 })
    await peer()
    await peer()
    const third = await TestPeer.connect(share!.port)
    peers.push(third)
    const frames = await third.drainUntilClosed()
    expect(frames.map(errorCode)).toEqual(['BUSY'])
    await peer('127.0.0.2')
  })
})

describe('request rate', () => {
  it('answers RATE_LIMITED over the optional per-address rate, and the connection stays usable', async () => {
    await serve({ requestsPerSecond: 2 })
    const p = await peer()
    const codes: unknown[] = []
    for (let id = 1; id <= 20; id++) codes.push(errorCode(await p.request({ op: 'PING', id })) ?? 'ok')
    expect(codes.slice(0, 4)).toEqual(['ok', 'ok', 'ok', 'ok'])
    expect(codes).toContain('RATE_LIMITED')
    expect(p.socket.destroyed).toBe(false)
  })
})

describe('declared sizes', () => {
  it('refuses an upload over the quota before writing a byte', async () => {
    const { port, root } = await serve({ quotaBytes: 10_000 })
    const client = await FerryClient.connect({ host: '127.0.0.1', port })
    try {
      expect((await rejection(client.putBuffer('big.bin', pattern(20_000)))).code).toBe('QUOTA_EXCEEDED')
      await client.putBuffer('small.bin', pattern(5_000))
      expect((await rejection(client.putBuffer('more.bin', pattern(6_000)))).code).toBe('QUOTA_EXCEEDED')
    } finally {
      await client.close()
    }
    expect(Object.keys(await visible(root))).toEqual(['small.bin'])
  })

  it('accepts only plain non-negative integers as sizes and offsets', async () => {
    await serve()
    const p = await peer()
    const bad: unknown[] = ['10', 1.5, -1, 1e300, 2 ** 53, null, [1], { n: 1 }, true]
    let id = 1
    for (const size of bad) {
      const reply = await p.request({
        op: 'PUT',
        id: id++,
        path: 'x.bin',
        size,
        sha256: 'a'.repeat(64),
        mode: 'fail',
      })
      expect(errorCode(reply), JSON.stringify(size)).toBe('PROTOCOL')
      const get = await p.request({ op: 'GET', id: id++, path: 'x.bin', offset: size })
      expect(errorCode(get), JSON.stringify(size)).toBe('PROTOCOL')
    }
    expect(await visible(share!.root)).toEqual({})
  })
})
