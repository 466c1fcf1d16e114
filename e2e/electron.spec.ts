// The desktop shell end to end: the real Electron window with the sandboxed preload. Runs where the Electron
// binary is installed and a display exists; elsewhere it is skipped (browser mode's specs cover the UI there).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { _electron as electron, expect, test } from '@playwright/test'
import type { ElectronApplication, Page } from '@playwright/test'
import type { Api, HostStatus } from '../preload/api'
import { electronBinary } from '../scripts/start'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const executable = electronBinary(ROOT)
const hasDisplay =
  process.platform !== 'linux' || Boolean(process.env['DISPLAY'] || process.env['WAYLAND_DISPLAY'])

test.skip(
  !executable,
  'The Electron binary is not installed (node_modules/electron has no dist/; it cannot be downloaded on this machine)',
)
test.skip(!hasDisplay, 'No display (DISPLAY / WAYLAND_DISPLAY) for an Electron window; run under xvfb-run')

/** The page's globals these tests touch (this project's Node tsconfig has no DOM types). */
type PageGlobals = typeof globalThis & { ferry: Api; open(url: string): unknown; location: { href: string } }

let app: ElectronApplication
let page: Page
let dir: string

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-electron-'))
  const asRoot = process.platform === 'linux' && process.getuid?.() === 0
  app = await electron.launch({
    executablePath: executable ?? undefined,
    args: [ROOT, ...(asRoot ? ['--no-sandbox'] : [])],
    cwd: ROOT,
  })
  page = await app.firstWindow()
  await page.waitForLoadState('domcontentloaded')
})

test.afterAll(async () => {
  await app?.close()
  await rm(dir, { recursive: true, force: true })
})

test('the page has no Node, and window.ferry as its only bridge', async () => {
  const surface = await page.evaluate(() => ({
    require: typeof (globalThis as { require?: unknown }).require,
    process: typeof (globalThis as { process?: unknown }).process,
    methods: Object.keys((globalThis as PageGlobals).ferry).length,
  }))
  expect(surface).toEqual({ require: 'undefined', process: 'undefined', methods: 23 })
  const info = await page.evaluate(() => (globalThis as PageGlobals).ferry.getAppInfo())
  expect(info).toMatchObject({ ok: true, value: { mode: 'electron' } })
})

test('hosts a share and browses it through the preload bridge', async () => {
  const root = join(dir, 'share')
  const status = (await page.evaluate(
    (shareRoot) => (globalThis as PageGlobals).ferry.startHost({ port: 0, root: shareRoot, bindAll: false }),
    root,
  )) as { ok: true; value: HostStatus }
  expect(status).toMatchObject({ ok: true, value: { running: true } })
  const port = status.value.port
  expect(
    await page.evaluate(
      (p) => (globalThis as PageGlobals).ferry.connect({ host: '127.0.0.1', port: p ?? 0 }),
      port,
    ),
  ).toMatchObject({
    ok: true,
  })
  expect(
    await page.evaluate(() => (globalThis as PageGlobals).ferry.makeRemoteFolder('made-in-e2e')),
  ).toMatchObject({
    ok: true,
    value: { path: 'made-in-e2e', type: 'dir' },
  })
  expect(await page.evaluate(() => (globalThis as PageGlobals).ferry.listRemote(''))).toMatchObject({
    ok: true,
    value: [{ name: 'made-in-e2e' }],
  })
  await page.evaluate(() => (globalThis as PageGlobals).ferry.stopHost())
})

test('navigation away from the app and new windows are refused', async () => {
  const before = page.url()
  await page.evaluate(() => {
    ;(globalThis as PageGlobals).open('https://example.com/')
    ;(globalThis as PageGlobals).location.href = 'https://example.com/'
  })
  await expect(page).toHaveURL(before)
  expect(app.windows()).toHaveLength(1)
})
