// The web page for browsers without the app (main/web), in Chromium at a phone viewport: token login, browse,
// download, an upload whose connection is cut mid-chunk and that resumes by asking the server's offset, and a
// read-only share without upload controls. The servers run in this test process on temp folders.
import { test, expect, type Page } from '@playwright/test'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LocalStore } from '../main/store/local/local-store'
import { startWebServer, type WebServer } from '../main/web/web-server'

const TOKEN = 'phone-token-1234'
const CHUNK = 64 * 1024

test.use({ viewport: { width: 375, height: 667 }, hasTouch: true })

async function startShare(options: { token?: string; readOnly?: boolean }): Promise<{
  dir: string
  web: WebServer
  close(): Promise<void>
}> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-e2e-web-'))
  await mkdir(join(dir, 'Photos'))
  await writeFile(join(dir, 'Photos', 'beach.jpg'), randomBytes(5000))
  await writeFile(join(dir, 'notes.txt'), 'remember the milk\n')
  await writeFile(
    join(dir, `a long file name that would not fit on a phone screen at all ${'x'.repeat(40)}.pdf`),
    'pdf',
  )
  const store = await LocalStore.open(dir)
  const web = await startWebServer({ store, name: 'Studio share', chunkBytes: CHUNK, ...options })
  return {
    dir,
    web,
    close: async () => {
      await web.close()
      await store.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

async function noHorizontalScroll(page: Page): Promise<void> {
  // A string: this file is type-checked without the DOM library.
  const widths = (await page.evaluate(
    '[document.documentElement.scrollWidth, window.innerWidth]',
  )) as number[]
  expect(widths[0]).toBeLessThanOrEqual(widths[1] ?? 0)
}

test('phone: log in, browse, download, upload cut mid-chunk and resumed', async ({ page }) => {
  const share = await startShare({ token: TOKEN })
  try {
    await page.goto(share.web.url)
    await expect(page.getByTestId('login-form')).toBeVisible()
    await page.getByTestId('token').fill('not-the-token')
    await page.getByTestId('login').click()
    await expect(page.getByTestId('login-error')).toHaveText(/wrong access token/)
    await page.getByTestId('token').fill(TOKEN)
    await page.getByTestId('login').click()
    await expect(page.getByTestId('entries').getByText('notes.txt')).toBeVisible()
    const cookie = (await page.context().cookies()).find((c) => c.name === 'ferry_session')
    expect(cookie?.httpOnly).toBe(true)
    expect(cookie?.sameSite).toBe('Strict')
    expect(cookie?.value).not.toContain(TOKEN)
    expect(page.url()).not.toContain(TOKEN)
    await noHorizontalScroll(page)

    // Browse into a folder and back.
    await page.getByTestId('entries').getByText('Photos').click()
    await expect(page.getByTestId('entries').getByText('beach.jpg')).toBeVisible()
    await page.getByTestId('crumbs').getByText('Studio share').click()

    // Download.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('entries').getByText('notes.txt').click(),
    ])
    expect(download.suggestedFilename()).toBe('notes.txt')
    expect(await readFile((await download.path()) ?? '', 'utf8')).toBe('remember the milk\n')

    // Upload: the second chunk's connection reaches the server with half its bytes, then drops.
    const data = randomBytes(5 * CHUNK + 1234)
    let patches = 0
    let cutAt = -1
    const statusAsked: string[] = []
    page.on('request', (r) => {
      if (r.method() === 'GET' && /\/api\/uploads\/[\w-]+$/.test(r.url())) statusAsked.push(r.url())
    })
    await page.route('**/api/uploads/*', async (route) => {
      const request = route.request()
      if (request.method() !== 'PATCH' || ++patches !== 2) return route.continue()
      const headers = request.headers()
      const body = request.postDataBuffer() ?? Buffer.alloc(0)
      cutAt = Number(headers['upload-offset']) + body.length / 2
      await sendHalf(share.web, new URL(request.url()).pathname, headers, body, cookie?.value ?? '')
      await route.abort('connectionreset')
    })
    await page
      .getByTestId('upload-input')
      .setInputFiles({ name: 'video.mp4', mimeType: 'video/mp4', buffer: data })
    const transfer = page.getByTestId('transfer').filter({ hasText: 'video.mp4' })
    await expect(transfer).toHaveAttribute('data-state', 'done', { timeout: 30_000 })
    expect(cutAt).toBe(CHUNK + CHUNK / 2)
    expect(statusAsked.length).toBeGreaterThan(0)
    expect((await readFile(join(share.dir, 'video.mp4'))).equals(data)).toBe(true)
    await expect(page.getByTestId('entries').getByText('video.mp4')).toBeVisible()
    await noHorizontalScroll(page)
    await page.screenshot({ path: '/tmp/web-phone.png', fullPage: true })
  } finally {
    await share.close()
  }
})

test('phone: a read-only share shows no upload controls', async ({ page }) => {
  const share = await startShare({ readOnly: true })
  try {
    await page.goto(share.web.url)
    await expect(page.getByTestId('entries').getByText('notes.txt')).toBeVisible()
    await expect(page.getByTestId('read-only')).toBeVisible()
    await expect(page.getByTestId('upload-controls')).toBeHidden()
    await expect(page.getByTestId('login-form')).toBeHidden()
    await noHorizontalScroll(page)
  } finally {
    await share.close()
  }
})

/** Sends the first half of a PATCH body to the server on a raw socket (full Content-Length), then drops it. */
async function sendHalf(
  web: WebServer,
  pathname: string,
  headers: Record<string, string>,
  body: Buffer,
  session: string,
): Promise<void> {
  const socket = net.connect(web.address().port, '127.0.0.1')
  socket.on('error', () => undefined)
  const head =
    `PATCH ${pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Ferry-Request: 1\r\nCookie: ferry_session=${session}\r\n` +
    `Upload-Offset: ${headers['upload-offset']}\r\nContent-Length: ${body.length}\r\n\r\n`
  await new Promise<void>((resolve) =>
    socket.write(Buffer.concat([Buffer.from(head), body.subarray(0, body.length / 2)]), () => resolve()),
  )
  // The server answers nothing until the body is complete; closing mid-body is the cut.
  await new Promise<void>((resolve) => {
    socket.once('close', () => resolve())
    socket.destroy()
  })
}
