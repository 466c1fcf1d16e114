// `ferry serve --web PORT`: the web server starts beside the Ferry server over the same share, with the same
// token, prints its address (never the token), and stops with it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { main } from './index'
import { captureIo, makeTempDir } from './test-support'

const TOKEN = 'cli-web-token-77'
let tmp: { dir: string; cleanup: () => Promise<void> }
beforeEach(async () => {
  tmp = await makeTempDir('serve-web')
})
afterEach(() => tmp.cleanup())

describe('ferry serve --web', () => {
  it('serves the same share to browsers and to Ferry clients, with the same token', async () => {
    const stop = new AbortController()
    const io = captureIo(tmp.dir, stop.signal)
    const exit = main(['--token', TOKEN, 'serve', '0', '--root', 'share', '--web', '0'], io)
    const [, ferryPort] = await io.stdout.waitFor(/listening on 127\.0\.0\.1:(\d+)\n/)
    const [, url] = await io.stdout.waitFor(/web page for browsers: (http:\/\/127\.0\.0\.1:\d+\/) \(log in/)
    expect(io.stdout.text()).not.toContain(TOKEN)

    expect((await fetch(`${url}api/list/`)).status).toBe(401)
    const login = await fetch(`${url}api/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Ferry-Request': '1' },
      body: JSON.stringify({ token: TOKEN }),
    })
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const made = await fetch(`${url}api/mkdir/from-the-web`, {
      method: 'POST',
      headers: { Cookie: cookie, 'X-Ferry-Request': '1' },
    })
    expect(made.status).toBe(201)

    // A Ferry client sees what the browser made: one share.
    const ls = captureIo(tmp.dir)
    expect(await main(['--token', TOKEN, 'ls', `127.0.0.1:${ferryPort}`], ls)).toBe(0)
    expect(ls.stdout.text()).toContain('from-the-web')

    stop.abort()
    expect(await exit).toBe(0)
    await expect(fetch(`${url}api/session`)).rejects.toThrow()
  })

  it('refuses --web-host without --web', async () => {
    const io = captureIo(tmp.dir)
    const code = await main(['serve', '0', '--root', 'share', '--web-host', '0.0.0.0'], io)
    expect(code).toBe(2)
    expect(io.stderr.text()).toMatch(/--web-host needs --web PORT/)
  })
})
