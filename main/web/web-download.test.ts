// Browsing and downloading over the web API on real sockets: list, stat, Range (206/416), ETag, If-Range,
// If-None-Match, and the same with curl, as browsers and download managers use them.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FileHashCache } from '../store/local/file-hash-cache'
import { sha256, startWebFixture, type WebFixture } from './web-test-kit'

const run = promisify(execFile)
// Above LocalStore's hash-cache threshold, so a whole read gives the file a strong ETag.
const DATA = randomBytes(300_000)
let f: WebFixture

beforeEach(async () => {
  // settledMs 0: the test's freshly written file may be remembered at once.
  f = await startWebFixture({
    local: { fileHashCache: new FileHashCache({ settledMs: 0, coarseSettledMs: 0 }) },
  })
  await mkdir(path.join(f.dir, 'docs'))
  await writeFile(path.join(f.dir, 'docs', 'data.bin'), DATA)
  await writeFile(path.join(f.dir, 'ünïcode name.txt'), 'hi')
})
afterEach(() => f.close())

describe('browse', () => {
  it('lists a folder and stats a file', async () => {
    const root = await f.api('GET', '/api/list/')
    expect(root.status).toBe(200)
    const body = (await root.json()) as { entries: { name: string; type: string }[] }
    expect(body.entries.map((e) => [e.name, e.type])).toEqual([
      ['docs', 'dir'],
      ['ünïcode name.txt', 'file'],
    ])
    const stat = await f.api('GET', '/api/stat/docs/data.bin')
    expect(await stat.json()).toMatchObject({ path: 'docs/data.bin', type: 'file', size: DATA.length })
  })

  it('answers NOT_FOUND and NOT_A_DIRECTORY with codes', async () => {
    const missing = await f.api('GET', '/api/list/nope')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ code: 'NOT_FOUND' })
    const file = await f.api('GET', '/api/list/docs/data.bin')
    expect(file.status).toBe(409)
    expect(await file.json()).toMatchObject({ code: 'NOT_A_DIRECTORY' })
  })
})

describe('download', () => {
  it('sends the whole file with an ETag, then a strong one once it has been hashed', async () => {
    const first = await f.api('GET', '/api/file/docs/data.bin')
    expect(first.status).toBe(200)
    expect(Buffer.from(await first.arrayBuffer())).toEqual(DATA)
    expect(first.headers.get('accept-ranges')).toBe('bytes')
    expect(first.headers.get('content-disposition')).toContain('attachment')
    const again = await f.api('GET', '/api/file/docs/data.bin')
    await again.arrayBuffer()
    // LocalStore remembers the hash of a whole read: the ETag becomes the file's SHA-256.
    expect(again.headers.get('etag')).toBe(`"sha256-${sha256(DATA)}"`)
  })

  it('serves ranges, suffix ranges and refuses ranges past the end', async () => {
    const part = await f.api('GET', '/api/file/docs/data.bin', { headers: { Range: 'bytes=100-199' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${DATA.length}`)
    expect(Buffer.from(await part.arrayBuffer())).toEqual(DATA.subarray(100, 200))
    const tail = await f.api('GET', '/api/file/docs/data.bin', { headers: { Range: 'bytes=-10' } })
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(DATA.subarray(DATA.length - 10))
    for (const bad of [`bytes=${DATA.length}-`, 'bytes=500-100', 'bytes=abc']) {
      const res = await f.api('GET', '/api/file/docs/data.bin', { headers: { Range: bad } })
      expect(res.status, bad).toBe(416)
      expect(res.headers.get('content-range')).toBe(`bytes */${DATA.length}`)
      expect(await res.json()).toMatchObject({ code: 'OFFSET_INVALID' })
    }
  })

  it('honours If-None-Match and If-Range', async () => {
    await (await f.api('GET', '/api/file/docs/data.bin')).arrayBuffer()
    const head = await f.api('HEAD', '/api/file/docs/data.bin')
    const etag = head.headers.get('etag') ?? ''
    expect(etag).toMatch(/^"sha256-/)
    expect(head.headers.get('content-length')).toBe(String(DATA.length))
    const cached = await f.api('GET', '/api/file/docs/data.bin', { headers: { 'If-None-Match': etag } })
    expect(cached.status).toBe(304)
    const resumed = await f.api('GET', '/api/file/docs/data.bin', {
      headers: { Range: 'bytes=10-', 'If-Range': etag },
    })
    expect(resumed.status).toBe(206)
    await resumed.arrayBuffer()
    // The file changed: the old validator no longer matches, so the whole new file comes back.
    const changed = randomBytes(500)
    await writeFile(path.join(f.dir, 'docs', 'data.bin'), changed)
    const stale = await f.api('GET', '/api/file/docs/data.bin', {
      headers: { Range: 'bytes=10-', 'If-Range': etag },
    })
    expect(stale.status).toBe(200)
    expect(Buffer.from(await stale.arrayBuffer())).toEqual(changed)
  })

  it('a weak ETag never satisfies If-Range', async () => {
    const head = await f.api('HEAD', '/api/file/docs/data.bin')
    const weak = head.headers.get('etag') ?? ''
    expect(weak).toMatch(/^W\//)
    const res = await f.api('GET', '/api/file/docs/data.bin', {
      headers: { Range: 'bytes=10-', 'If-Range': weak },
    })
    expect(res.status).toBe(200)
    await res.arrayBuffer()
  })

  it('works with curl: -r 0-99, a bad range, and a UTF-8 name', async () => {
    const url = `${f.base}/api/file/docs/data.bin`
    const { stdout } = await run('curl', ['-s', '-r', '0-99', url], { encoding: 'buffer' })
    expect(Buffer.from(stdout)).toEqual(DATA.subarray(0, 100))
    const bad = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-r', '400000-500000', url])
    expect(bad.stdout).toBe('416')
    const named = await run('curl', ['-s', `${f.base}/api/file/${encodeURIComponent('ünïcode name.txt')}`])
    expect(named.stdout).toBe('hi')
  })
})
