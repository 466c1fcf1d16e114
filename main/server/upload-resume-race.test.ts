// The reconnect race: a client whose upload connection dropped reconnects and sends its resume PUT before the
// server has noticed the old connection close. The resume must wait for the old upload to let go of the partial
// (and continue from it), while a genuinely concurrent identical upload still completes on a private file.
import { randomBytes } from 'node:crypto'
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeHeader } from '../protocol/frame-codec'
import { ResponseSchemas } from '../protocol/messages'
import type { LogEvent } from './events'
import type { ServerOptions } from './ferry-server'
import type { TestPeer } from './test-peer'
import { sha256, startTestServer, tree, type TestServer } from './test-fixtures'

let ts: TestServer | null = null
afterEach(async () => {
  await ts?.stop()
  ts = null
})

async function start(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  ts = await startTestServer(options)
  return ts
}

const SIZE = 2 * 1024 * 1024
const SENT = 1024 * 1024 + 3

function putHeader(data: Buffer, id: number, name = 'big.bin'): Record<string, unknown> {
  return { op: 'PUT', id, path: name, size: data.length, sha256: sha256(data), mode: 'rename', resume: true }
}

/** Starts DATA and sends only the first `count` bytes; resolves once they were handed to the kernel. */
function sendPartOfBody(peer: TestPeer, id: number, data: Buffer, count: number): Promise<void> {
  const bytes = Buffer.concat([encodeHeader({ op: 'DATA', id, body: data.length }), data.subarray(0, count)])
  return new Promise((resolve, reject) => {
    peer.socket.write(bytes, (err) => (err ? reject(err) : resolve()))
  })
}

function nextWaitLog(server: TestServer['server']): Promise<LogEvent> {
  return new Promise((resolve) => {
    const onLog = (e: LogEvent): void => {
      if (!e.message.includes('resume waits')) return
      server.off('log', onLog)
      resolve(e)
    }
    server.on('log', onLog)
  })
}

async function sendRest(peer: TestPeer, id: number, data: Buffer, offset: number) {
  return (await peer.request({ op: 'DATA', id, body: data.length - offset }, data.subarray(offset))).header
}

const internalFiles = async (t: TestServer, dir: 'partial' | 'tmp'): Promise<string[]> =>
  fsp.readdir(path.join(t.root, '.ferry', dir))

describe('resume PUT while the previous upload still holds the partial', () => {
  it('waits for the old connection to close and continues from what it received', async () => {
    // Generous, so a loaded machine cannot turn this into the fallback; the old connection closes well before.
    const t = await start({ resumeWaitMs: 60_000 })
    const data = randomBytes(SIZE)
    const old = await t.peer()
    expect((await old.request(putHeader(data, 1))).header).toMatchObject({ ok: true, offset: 0 })
    await sendPartOfBody(old, 1, data, SENT)

    const fresh = await t.peer()
    const waiting = nextWaitLog(t.server)
    fresh.send(putHeader(data, 2))
    // The server holds the new PUT while the old upload is live and mid-DATA ...
    await waiting
    // ... and the old connection only now goes away.
    await old.destroy()

    const ready = ResponseSchemas.PUT_READY.parse((await fresh.next()).header)
    expect(ready.offset).toBeGreaterThan(0)
    expect(ready.offset).toBeLessThanOrEqual(SENT)
    expect(await sendRest(fresh, 2, data, ready.offset)).toMatchObject({
      ok: true,
      path: 'big.bin',
      size: SIZE,
      sha256: sha256(data),
    })
    expect((await fsp.readFile(path.join(t.root, 'big.bin'))).equals(data)).toBe(true)
    expect(await internalFiles(t, 'partial')).toEqual([])
    expect(await internalFiles(t, 'tmp')).toEqual([])
  })

  it('takes the slot when the holder finishes during the wait', async () => {
    const t = await start({ resumeWaitMs: 60_000 })
    const data = randomBytes(300_000)
    const first = await t.peer()
    expect((await first.request(putHeader(data, 1))).header).toMatchObject({ ok: true, offset: 0 })
    await sendPartOfBody(first, 1, data, 1000)

    const second = await t.peer()
    const waiting = nextWaitLog(t.server)
    second.send(putHeader(data, 1))
    await waiting
    first.sendRaw(data.subarray(1000))
    expect((await first.next()).header).toMatchObject({ ok: true, path: 'big.bin' })

    // The finished upload's partial became big.bin, so the second starts from zero, on the resumable slot.
    const ready = ResponseSchemas.PUT_READY.parse((await second.next()).header)
    expect(ready.offset).toBe(0)
    expect(await internalFiles(t, 'tmp')).toEqual([])
    expect(await sendRest(second, 1, data, 0)).toMatchObject({ ok: true, path: 'big (2).bin' })
    expect((await fsp.readFile(path.join(t.root, 'big (2).bin'))).equals(data)).toBe(true)
    expect(await internalFiles(t, 'partial')).toEqual([])
  })

  it('a truly concurrent identical upload gets a private file after the wait and both complete', async () => {
    // Short on purpose: the holder never lets go here, so this test would otherwise sit out the full wait.
    const t = await start({ resumeWaitMs: 20 })
    const data = randomBytes(SIZE)
    const first = await t.peer()
    expect((await first.request(putHeader(data, 1))).header).toMatchObject({ ok: true, offset: 0 })
    await sendPartOfBody(first, 1, data, SENT)

    const second = await t.peer()
    const waiting = nextWaitLog(t.server)
    const ready = ResponseSchemas.PUT_READY.parse((await second.request(putHeader(data, 1))).header)
    await waiting
    expect(ready.offset).toBe(0)
    expect(await internalFiles(t, 'tmp')).toHaveLength(1)
    expect(await sendRest(second, 1, data, 0)).toMatchObject({ ok: true, path: 'big.bin' })

    first.sendRaw(data.subarray(SENT))
    expect((await first.next()).header).toMatchObject({ ok: true, path: 'big (2).bin' })
    for (const name of ['big.bin', 'big (2).bin']) {
      expect((await fsp.readFile(path.join(t.root, name))).equals(data)).toBe(true)
    }
    expect((await tree(t.root)).filter((f) => !f.startsWith('.ferry'))).toEqual(['big (2).bin', 'big.bin'])
    expect(await internalFiles(t, 'partial')).toEqual([])
    expect(await internalFiles(t, 'tmp')).toEqual([])
  })
})
