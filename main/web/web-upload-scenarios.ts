// Upload scenarios shared by the LocalStore and S3Store suites (web-upload.test.ts, web-s3.test.ts): the same
// HTTP steps a page takes, with the connection cut mid-chunk and the server restarted between attempts.
import { randomBytes } from 'node:crypto'
import net from 'node:net'
import { expect } from 'vitest'
import { sha256, type WebFixture } from './web-test-kit'
import { startWebServer } from './web-server'

interface Created {
  id: string
  offset: number
  prefixSha256: string | null
  chunkBytes: number
}

export async function create(f: WebFixture, body: Record<string, unknown>): Promise<Created> {
  const res = await f.api('POST', '/api/uploads', { body })
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(201)
  return (await res.json()) as Created
}

export async function patch(f: WebFixture, id: string, offset: number, data: Uint8Array): Promise<Response> {
  return f.api('PATCH', `/api/uploads/${id}`, {
    body: data,
    headers: { 'Upload-Offset': String(offset), 'Content-Type': 'application/octet-stream' },
  })
}

/** Sends chunks from `offset` to the end; resolves the final offset. */
export async function sendRest(
  f: WebFixture,
  id: string,
  data: Buffer,
  offset: number,
  chunk: number,
): Promise<number> {
  let at = offset
  while (at < data.length) {
    const res = await patch(f, id, at, data.subarray(at, Math.min(data.length, at + chunk)))
    expect(res.status).toBe(200)
    at = ((await res.json()) as { offset: number }).offset
  }
  return at
}

/** A PATCH whose body stops after `sent` of `declared` bytes: the socket is destroyed once they left. */
export async function cutPatch(
  f: WebFixture,
  id: string,
  offset: number,
  body: Buffer,
  declared: number,
): Promise<void> {
  const cut = f.nextLog(/chunk cut short/)
  const socket = net.connect(f.web.address().port, '127.0.0.1')
  socket.on('error', () => undefined)
  const head =
    `PATCH /api/uploads/${id} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Ferry-Request: 1\r\nCookie: ${f.cookie}\r\n` +
    `Upload-Offset: ${offset}\r\nContent-Length: ${declared}\r\nContent-Type: application/octet-stream\r\n\r\n`
  await new Promise<void>((resolve) =>
    socket.write(Buffer.concat([Buffer.from(head), body]), () => resolve()),
  )
  socket.destroy()
  await cut
}

async function visible(f: WebFixture, name: string): Promise<boolean> {
  const list = (await (await f.api('GET', '/api/list/')).json()) as { entries: { name: string }[] }
  return list.entries.some((e) => e.name === name)
}

/** Cut mid-chunk, resumed in the same held upload; nothing visible before finish; identical bytes after. */
export async function cutAndResume(f: WebFixture, size: number, chunk: number): Promise<void> {
  const data = randomBytes(size)
  const up = await create(f, { path: 'cut.bin', size, key: 'file-1', mode: 'fail' })
  expect(up.offset).toBe(0)
  let at = await sendRest(f, up.id, data.subarray(0, chunk), 0, chunk)
  expect(at).toBe(chunk)
  const half = Math.floor(chunk / 2)
  await cutPatch(f, up.id, at, data.subarray(at, at + half), chunk)
  const status = (await (await f.api('GET', `/api/uploads/${up.id}`)).json()) as { offset: number }
  expect(status.offset).toBe(chunk + half)
  expect(await visible(f, 'cut.bin')).toBe(false)
  expect((await f.api('GET', '/api/stat/cut.bin')).status).toBe(404)
  // A client that lost track sends at its old offset and is told where the upload stands.
  const stale = await patch(f, up.id, chunk, data.subarray(chunk, chunk + 10))
  expect(stale.status).toBe(409)
  expect(await stale.json()).toMatchObject({ code: 'OFFSET_INVALID', offset: chunk + half })
  at = await sendRest(f, up.id, data, status.offset, chunk)
  expect(at).toBe(size)
  expect(await visible(f, 'cut.bin')).toBe(false)
  const done = await f.api('POST', `/api/uploads/${up.id}/finish`, { body: { sha256: sha256(data) } })
  expect(done.status).toBe(200)
  expect(await done.json()).toEqual({ path: 'cut.bin', size, sha256: sha256(data) })
  const back = Buffer.from(await (await f.api('GET', '/api/file/cut.bin')).arrayBuffer())
  expect(back.equals(data)).toBe(true)
}

/**
 * The web server goes away mid-upload (its held write is let go, the staged bytes stay); a new one over the same
 * store finds them by (path, size, key): the offset the store kept and the SHA-256 of those bytes.
 */
export async function resumeAcrossServers(
  f: WebFixture,
  size: number,
  chunk: number,
  sendBytes: number,
): Promise<void> {
  const data = randomBytes(size)
  const first = await create(f, { path: 'again.bin', size, key: 'file-2', mode: 'fail' })
  await sendRest(f, first.id, data.subarray(0, sendBytes), 0, chunk)
  await f.web.close()
  const web = await startWebServer({ store: f.store })
  const g: WebFixture = { ...f, web, base: web.url.replace(/\/$/, '') }
  try {
    const again = await create(g, { path: 'again.bin', size, key: 'file-2', mode: 'fail' })
    expect(again.offset).toBeLessThanOrEqual(sendBytes)
    expect(again.prefixSha256).toBe(again.offset === 0 ? null : sha256(data.subarray(0, again.offset)))
    await sendRest(g, again.id, data, again.offset, chunk)
    const done = await g.api('POST', `/api/uploads/${again.id}/finish`, { body: { sha256: sha256(data) } })
    expect(done.status).toBe(200)
    const back = Buffer.from(await (await g.api('GET', '/api/file/again.bin')).arrayBuffer())
    expect(back.equals(data)).toBe(true)
  } finally {
    await web.close()
  }
}
