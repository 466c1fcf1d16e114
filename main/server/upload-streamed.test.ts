// The streamed PUT on the wire: no sha256 in the PUT, the whole file's hash in DATA_END after the body, partials
// keyed by the client's uploadKey, the prefix hash in a resuming ready, CANCEL with discard.
import { randomBytes } from 'node:crypto'
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { encodeHeader } from '../protocol/frame-codec'
import { ResponseSchemas } from '../protocol/messages'
import type { TestPeer } from './test-peer'
import { sha256, startTestServer, tree, type TestServer } from './test-fixtures'

let ts: TestServer
let peer: TestPeer
beforeEach(async () => {
  ts = await startTestServer()
  peer = await ts.peer()
})
afterEach(() => ts.stop())

const KEY = 'a'.repeat(64)
const OTHER_KEY = 'b'.repeat(64)

function putHeader(id: number, file: string, data: Buffer, extra: Record<string, unknown> = {}) {
  return { op: 'PUT', id, path: file, size: data.length, uploadKey: KEY, mode: 'overwrite', ...extra }
}

/** PUT (streamed), DATA from the offset the server offers, DATA_END with `trailer`; the last response header. */
async function streamed(
  p: TestPeer,
  id: number,
  file: string,
  data: Buffer,
  options: { trailer?: string; extra?: Record<string, unknown> } = {},
) {
  const ready = await p.request(putHeader(id, file, data, options.extra))
  if (!ready.header['ok']) return ready.header
  const { offset } = ResponseSchemas.PUT_READY.parse(ready.header)
  p.send({ op: 'DATA', id, body: data.length - offset }, data.subarray(offset))
  return (await p.request({ op: 'DATA_END', id, sha256: options.trailer ?? sha256(data) })).header
}

/** Sends a PUT and part of its body, then drops the connection and waits until the server saw it go. */
async function dropMidBody(p: TestPeer, header: Record<string, unknown>, data: Buffer, sent: number) {
  expect((await p.request(header)).header).toMatchObject({ ok: true, offset: 0 })
  const left = new Promise((resolve) => ts.server.once('client-left', resolve))
  p.sendRaw(
    Buffer.concat([
      encodeHeader({ op: 'DATA', id: header['id'], body: data.length }),
      data.subarray(0, sent),
    ]),
  )
  await p.destroy()
  await left
}

const visible = async (): Promise<string[]> => (await tree(ts.root)).filter((f) => !f.startsWith('.ferry'))
const partials = async (): Promise<string[]> => fsp.readdir(path.join(ts.root, '.ferry', 'partial'))

describe('streamed PUT', () => {
  it.each([0, 1, 3 * 1024 * 1024 + 7])('stores %i bytes checked against the DATA_END hash', async (size) => {
    const data = randomBytes(size)
    const done = ResponseSchemas.PUT_DONE.parse(await streamed(peer, 1, 'f.bin', data))
    expect(done).toMatchObject({ path: 'f.bin', size, sha256: sha256(data) })
    expect((await fsp.readFile(path.join(ts.root, 'f.bin'))).equals(data)).toBe(true)
    expect(await partials()).toEqual([])
  })

  it('answers done only after DATA_END: nothing is visible while it waits for the trailer', async () => {
    const data = randomBytes(1000)
    await peer.request(putHeader(1, 'w.bin', data))
    peer.send({ op: 'DATA', id: 1, body: data.length }, data)
    // A PING answered proves the body was processed and no done response was sent for it.
    expect((await peer.request({ op: 'PING', id: 2 })).header).toMatchObject({ re: 2, ok: true })
    expect(await visible()).toEqual([])
    // The PING abandoned the upload; its whole body stays as a partial for a resume.
    expect(await partials()).toHaveLength(1)
  })

  it('a wrong DATA_END hash: CHECKSUM_MISMATCH, the old file intact, nothing left, the session usable', async () => {
    await fsp.writeFile(path.join(ts.root, 'keep.txt'), 'original')
    const data = Buffer.from('replacement')
    const res = await streamed(peer, 1, 'keep.txt', data, { trailer: sha256(Buffer.from('other')) })
    expect(res['error']).toMatchObject({ code: 'CHECKSUM_MISMATCH' })
    expect(await fsp.readFile(path.join(ts.root, 'keep.txt'), 'utf8')).toBe('original')
    expect(await visible()).toEqual(['keep.txt'])
    expect(await partials()).toEqual([])
    expect(await streamed(peer, 2, 'keep.txt', data)).toMatchObject({ ok: true, path: 'keep.txt' })
    expect(await fsp.readFile(path.join(ts.root, 'keep.txt'), 'utf8')).toBe('replacement')
  })

  it('refuses DATA_END out of turn with PROTOCOL and stays usable', async () => {
    const data = Buffer.from('abc')
    const early = await peer.request({ op: 'DATA_END', id: 1, sha256: sha256(data) })
    expect(early.header['error']).toMatchObject({ code: 'PROTOCOL' })
    // Before the body: the ready PUT is abandoned, its DATA then refused.
    await peer.request(putHeader(2, 'x', data))
    expect(
      (await peer.request({ op: 'DATA_END', id: 2, sha256: sha256(data) })).header['error'],
    ).toMatchObject({ code: 'PROTOCOL' })
    expect((await peer.request({ op: 'DATA', id: 2, body: 3 }, data)).header['error']).toMatchObject({
      code: 'PROTOCOL',
    })
    // After an up-front PUT's body the done response already came: there is nothing to end.
    const upFront = { op: 'PUT', id: 3, path: 'y', size: 3, sha256: sha256(data), mode: 'fail' }
    await peer.request(upFront)
    expect((await peer.request({ op: 'DATA', id: 3, body: 3 }, data)).header).toMatchObject({ ok: true })
    expect(
      (await peer.request({ op: 'DATA_END', id: 3, sha256: sha256(data) })).header['error'],
    ).toMatchObject({ code: 'PROTOCOL' })
    expect(await visible()).toEqual(['y'])
  })

  it('refuses a PUT carrying both sha256 and uploadKey', async () => {
    const data = Buffer.from('abc')
    const res = await peer.request(putHeader(1, 'x', data, { sha256: sha256(data) }))
    expect(res.header['error']).toMatchObject({ code: 'PROTOCOL' })
  })

  it('resumes a dropped upload by its uploadKey and reports the held prefix hash', async () => {
    const data = randomBytes(2 * 1024 * 1024)
    const sent = 1024 * 1024 + 3
    await dropMidBody(peer, putHeader(1, 'big.bin', data, { resume: true }), data, sent)
    expect(await visible()).toEqual([])
    expect(await partials()).toHaveLength(1)

    const again = await ts.peer()
    // Another key is another upload: it starts at 0 and leaves the first partial alone.
    const other = await again.request(putHeader(2, 'big.bin', data, { uploadKey: OTHER_KEY, resume: true }))
    expect(other.header).toMatchObject({ ok: true, offset: 0 })
    expect(other.header['prefixSha256']).toBeUndefined()
    expect((await again.request({ op: 'CANCEL', id: 3, discard: true })).header).toEqual({ re: 3, ok: true })

    const ready = ResponseSchemas.PUT_READY.parse(
      (await again.request(putHeader(4, 'big.bin', data, { resume: true }))).header,
    )
    expect(ready.offset).toBeGreaterThan(0)
    expect(ready.offset).toBeLessThanOrEqual(sent)
    expect(ready.prefixSha256).toBe(sha256(data.subarray(0, ready.offset)))
    again.send({ op: 'DATA', id: 4, body: data.length - ready.offset }, data.subarray(ready.offset))
    const done = await again.request({ op: 'DATA_END', id: 4, sha256: sha256(data) })
    expect(done.header).toMatchObject({ ok: true, path: 'big.bin', sha256: sha256(data) })
    expect((await fsp.readFile(path.join(ts.root, 'big.bin'))).equals(data)).toBe(true)
    expect(await partials()).toEqual([])
  })

  it('keeps a whole body that lost its DATA_END: the resume sends no bytes, only the trailer', async () => {
    const data = randomBytes(100_000)
    expect((await peer.request(putHeader(1, 'r.bin', data, { resume: true }))).header).toMatchObject({
      ok: true,
    })
    peer.send({ op: 'DATA', id: 1, body: data.length }, data)
    expect((await peer.request({ op: 'PING', id: 2 })).header['ok']).toBe(true)
    const left = new Promise((resolve) => ts.server.once('client-left', resolve))
    await peer.destroy()
    await left
    const again = await ts.peer()
    const ready = await again.request(putHeader(3, 'r.bin', data, { resume: true }))
    expect(ready.header).toMatchObject({ ok: true, offset: data.length, prefixSha256: sha256(data) })
    again.send({ op: 'DATA', id: 3, body: 0 })
    expect((await again.request({ op: 'DATA_END', id: 3, sha256: sha256(data) })).header).toMatchObject({
      ok: true,
      size: data.length,
    })
  })

  it('CANCEL keeps the partial for a resume; CANCEL with discard removes it', async () => {
    const data = randomBytes(300_000)
    const sent = 200_000
    await dropMidBody(peer, putHeader(1, 'c.bin', data, { resume: true }), data, sent)
    const again = await ts.peer()
    const ready = await again.request(putHeader(2, 'c.bin', data, { resume: true }))
    expect(ready.header['offset']).toBeGreaterThan(0)
    await again.request({ op: 'CANCEL', id: 3 })
    expect(await partials()).toHaveLength(1)
    expect((await again.request(putHeader(4, 'c.bin', data, { resume: true }))).header['offset']).toBe(
      ready.header['offset'],
    )
    await again.request({ op: 'CANCEL', id: 5, discard: true })
    // The discard completes before the slot is free again, so the next PUT sees it.
    expect((await again.request(putHeader(6, 'c.bin', data, { resume: true }))).header).toMatchObject({
      offset: 0,
    })
    again.send({ op: 'DATA', id: 6, body: data.length }, data)
    expect((await again.request({ op: 'DATA_END', id: 6, sha256: sha256(data) })).header['ok']).toBe(true)
    expect(await partials()).toEqual([])
    expect(await visible()).toEqual(['c.bin'])
  })

  it('without an uploadKey a streamed upload works but keeps no partial when dropped', async () => {
    const data = randomBytes(300_000)
    const header = { op: 'PUT', id: 1, path: 'k.bin', size: data.length, mode: 'fail', resume: true }
    await dropMidBody(peer, header, data, 100_000)
    expect(await partials()).toEqual([])
    const again = await ts.peer()
    expect((await again.request({ ...header, id: 2 })).header).toMatchObject({ ok: true, offset: 0 })
    again.send({ op: 'DATA', id: 2, body: data.length }, data)
    expect((await again.request({ op: 'DATA_END', id: 2, sha256: sha256(data) })).header).toMatchObject({
      ok: true,
      path: 'k.bin',
    })
  })

  it('an up-front PUT resuming also gets the prefix hash', async () => {
    const data = randomBytes(300_000)
    const header = { op: 'PUT', id: 1, path: 'u.bin', size: data.length, sha256: sha256(data), mode: 'fail' }
    await dropMidBody(peer, { ...header, resume: true }, data, 200_000)
    const again = await ts.peer()
    const ready = ResponseSchemas.PUT_READY.parse(
      (await again.request({ ...header, id: 2, resume: true })).header,
    )
    expect(ready.offset).toBeGreaterThan(0)
    expect(ready.prefixSha256).toBe(sha256(data.subarray(0, ready.offset)))
    const done = await again.request(
      { op: 'DATA', id: 2, body: data.length - ready.offset },
      data.subarray(ready.offset),
    )
    expect(done.header).toMatchObject({ ok: true, sha256: sha256(data) })
  })
})
