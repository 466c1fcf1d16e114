// Bad input and access rules of the web API on real sockets: path tricks, malformed and oversized requests,
// the token login (cookie flags, rate limit, never in logs), CSRF, read-only; the server keeps serving after each.
import { execFile } from 'node:child_process'
import { readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { rawExchange, startWebFixture, type WebFixture } from './web-test-kit'

const run = promisify(execFile)
const TOKEN = 'correct-horse-battery'
let f: WebFixture | undefined

afterEach(async () => {
  await f?.close()
  f = undefined
})

async function stillServes(fx: WebFixture): Promise<void> {
  const res = await fetch(`${fx.base}/api/session`)
  expect(res.status).toBe(200)
}

describe('paths', () => {
  it('refuses path tricks with 400 PATH_INVALID and touches nothing outside the share', async () => {
    f = await startWebFixture()
    await writeFile(path.join(f.dir, 'a.txt'), 'a')
    const tricks = [
      '/api/file/..%2Fetc%2Fpasswd',
      '/api/file/%2e%2e/etc/passwd',
      '/api/file/%2E%2E',
      '/api/file/../a.txt',
      '/api/file/a%5C..%5Cb',
      '/api/file/a%00.txt',
      '/api/file/a%ZZ',
      '/api/file/.ferry',
      `/api/list/${'a/'.repeat(70)}b`,
      `/api/file/${'x'.repeat(300)}`,
      '/api/file/a//b',
    ]
    for (const target of tricks) {
      // Raw, so no client normalises the dots away first.
      const answer = await rawExchange(
        f.web.address().port,
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
      )
      expect(answer, target).toMatch(/^HTTP\/1\.1 400 /)
      expect(answer, target).toContain('"code":"PATH_INVALID"')
    }
    const curl = await run('curl', [
      '-s',
      '--path-as-is',
      '-w',
      ' %{http_code}',
      `${f.base}/api/file/../../etc/passwd`,
    ])
    expect(curl.stdout).toMatch(/PATH_INVALID.* 400$/)
    await stillServes(f)
  })
})

describe('DNS rebinding', () => {
  it('an open share answers only requests addressed to an IP address or this machine', async () => {
    f = await startWebFixture()
    const ask = (host: string) =>
      rawExchange(
        f!.web.address().port,
        `GET /api/list/ HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
      )
    expect(await ask('evil.example:8080')).toMatch(/^HTTP\/1\.1 403 [\s\S]*"code":"PERMISSION_DENIED"/)
    expect(await ask(`127.0.0.1:${f.web.address().port}`)).toMatch(/^HTTP\/1\.1 200 /)
    expect(await ask('localhost')).toMatch(/^HTTP\/1\.1 200 /)
    await stillServes(f)
  })
})

describe('malformed and oversized requests', () => {
  it('answers 400, 413, 414 and 431 and keeps serving', async () => {
    f = await startWebFixture()
    const port = f.web.address().port
    expect(await rawExchange(port, 'NONSENSE\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /)
    expect(await rawExchange(port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n')).toMatch(
      /^HTTP\/1\.1 400 /,
    )
    const huge = `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`
    expect(await rawExchange(port, huge)).toMatch(/^HTTP\/1\.1 431 /)
    const longUrl = `GET /api/list/${'a'.repeat(13_500)} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`
    expect(await rawExchange(port, longUrl)).toMatch(/^HTTP\/1\.1 (414|431) /)
    const big = await f.api('POST', '/api/uploads', {
      body: new Uint8Array(100_000),
      headers: { 'Content-Type': 'application/json' },
    })
    expect(big.status).toBe(413)
    expect(await big.json()).toMatchObject({ code: 'TOO_LARGE' })
    const notJson = await f.api('POST', '/api/uploads', {
      body: new TextEncoder().encode('{nope'),
      headers: { 'Content-Type': 'application/json' },
    })
    expect(notJson.status).toBe(400)
    const method = await f.api('PUT', '/api/list/')
    expect(method.status).toBe(405)
    expect(method.headers.get('allow')).toBe('GET')
    await stillServes(f)
  })
})

describe('token login', () => {
  it('needs a login, sets a strict HttpOnly session cookie that is not the token', async () => {
    f = await startWebFixture({ token: TOKEN })
    const before = await f.api('GET', '/api/list/')
    expect(before.status).toBe(401)
    expect(await before.json()).toMatchObject({ code: 'AUTH_REQUIRED' })
    const res = await f.login(TOKEN)
    expect(res.status).toBe(200)
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^ferry_session=[\w-]{43}; /)
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Strict')
    expect(cookie).not.toContain('Secure') // plain HTTP here; HTTPS adds it (web-tls.test.ts)
    expect(cookie).not.toContain(TOKEN)
    expect((await f.api('GET', '/api/list/')).status).toBe(200)
    const out = await f.api('POST', '/api/logout')
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0')
    expect((await f.api('GET', '/api/list/')).status).toBe(401)
  })

  it('rate-limits wrong tokens per address with 429 and Retry-After; the token never reaches the logs', async () => {
    f = await startWebFixture({ token: TOKEN, authFailures: { maxFailures: 3, lockoutMs: 60_000 } })
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let i = 0; i < 5; i++) {
      const res = await f.login(`wrong-${i}`)
      statuses.push(res.status)
      if (res.status === 429) retryAfter = res.headers.get('retry-after')
      expect(await res.json()).toHaveProperty('code')
    }
    expect(statuses).toEqual([401, 401, 429, 429, 429])
    expect(Number(retryAfter)).toBeGreaterThan(0)
    // Locked out: even the right token waits.
    expect((await f.login(TOKEN)).status).toBe(429)
    expect(f.logs.some((l) => l.includes('wrong access token'))).toBe(true)
    for (const line of f.logs) {
      expect(line).not.toContain(TOKEN)
      expect(line).not.toContain('wrong-')
    }
    await stillServes(f)
  })
})

describe('CSRF', () => {
  it('refuses state changes without the custom header or from another origin', async () => {
    f = await startWebFixture()
    const bare = await fetch(`${f.base}/api/mkdir/x`, { method: 'POST' })
    expect(bare.status).toBe(403)
    expect(await bare.json()).toMatchObject({ code: 'PERMISSION_DENIED' })
    const crossSite = await f.api('POST', '/api/mkdir/x', { headers: { Origin: 'http://evil.example' } })
    expect(crossSite.status).toBe(403)
    expect(await readdir(f.dir)).not.toContain('x')
    const sameSite = await f.api('POST', '/api/mkdir/x', { headers: { Origin: f.base } })
    expect(sameSite.status).toBe(201)
    expect(await readdir(f.dir)).toContain('x')
  })
})

describe('read-only', () => {
  it('refuses uploads, mkdir, delete and rename with 403 READ_ONLY', async () => {
    f = await startWebFixture({ readOnly: true })
    await writeFile(path.join(f.dir, 'keep.txt'), 'k')
    const attempts = [
      f.api('POST', '/api/uploads', { body: { path: 'n.txt', size: 1, key: 'k' } }),
      f.api('POST', '/api/mkdir/d'),
      f.api('DELETE', '/api/file/keep.txt'),
      f.api('POST', '/api/rename', { body: { from: 'keep.txt', to: 'moved.txt' } }),
      f.api('PATCH', '/api/uploads/abc', { body: new Uint8Array(1), headers: { 'Upload-Offset': '0' } }),
    ]
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(403)
      expect(await res.json()).toMatchObject({ code: 'READ_ONLY' })
    }
    expect((await readdir(f.dir)).filter((n) => !n.startsWith('.ferry'))).toEqual(['keep.txt'])
    const session = (await (await f.api('GET', '/api/session')).json()) as { readOnly: boolean }
    expect(session.readOnly).toBe(true)
  })
})
