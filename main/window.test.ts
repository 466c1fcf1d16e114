// The main window and session hardening against a recording stand-in for Electron (no Electron binary can be had
// here): what the window is created with, which navigations and windows are refused, the CSP header on every
// response, and every permission request denied.
import type { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'
import { rendererLocation } from './shell/renderer-origin'

interface FakeContents extends EventEmitter {
  windowOpenHandler: (() => { action: string }) | null
  setWindowOpenHandler(fn: () => { action: string }): void
}

const fake = vi.hoisted(() => ({
  windows: [] as Array<{ options: Record<string, unknown>; loaded: string[]; shown: boolean }>,
  contents: [] as unknown[],
  onHeaders: null as
    | null
    | ((
        details: { responseHeaders?: Record<string, string[]> },
        cb: (r: { responseHeaders: Record<string, string[]> }) => void,
      ) => void),
  permissionRequest: null as null | ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void),
  permissionCheck: null as null | (() => boolean),
}))

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events')
  class BrowserWindow extends Emitter {
    readonly webContents: FakeContents
    constructor(options: Record<string, unknown>) {
      super()
      const record = { options, loaded: [] as string[], shown: false }
      fake.windows.push(record)
      const contents = Object.assign(new Emitter(), {
        windowOpenHandler: null as (() => { action: string }) | null,
        setWindowOpenHandler(fn: () => { action: string }) {
          contents.windowOpenHandler = fn
        },
      }) as FakeContents
      this.webContents = contents
      fake.contents.push(contents)
      this.show = () => {
        record.shown = true
      }
      this.loadURL = (url: string) => {
        record.loaded.push(url)
        return Promise.resolve()
      }
      this.loadFile = (file: string) => {
        record.loaded.push(`file:${file}`)
        return Promise.resolve()
      }
    }
    show: () => void
    loadURL: (url: string) => Promise<void>
    loadFile: (file: string) => Promise<void>
  }
  return {
    BrowserWindow,
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (fn: typeof fake.onHeaders) => (fake.onHeaders = fn) },
        setPermissionRequestHandler: (fn: typeof fake.permissionRequest) => (fake.permissionRequest = fn),
        setPermissionCheckHandler: (fn: typeof fake.permissionCheck) => (fake.permissionCheck = fn),
      },
    },
  }
})

const { createMainWindow, hardenSession } = await import('./window')

const INDEX = '/app/out/renderer/index.html'

function navigate(contents: FakeContents, event: string, url: string): boolean {
  let prevented = false
  contents.emit(event, { preventDefault: () => (prevented = true) }, url)
  return prevented
}

describe('createMainWindow', () => {
  it('creates a hidden, isolated, sandboxed window that loads the built renderer and shows when ready', () => {
    const window = createMainWindow({
      preloadPath: '/app/out/preload/index.cjs',
      renderer: rendererLocation(INDEX, undefined),
      indexHtmlPath: INDEX,
    })
    const record = fake.windows.at(-1)!
    expect(record.options).toMatchObject({
      show: false,
      title: 'Ferry',
      webPreferences: {
        preload: '/app/out/preload/index.cjs',
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
      },
    })
    expect(record.loaded).toEqual([`file:${INDEX}`])
    expect(record.shown).toBe(false)
    window.emit('ready-to-show')
    expect(record.shown).toBe(true)
  })

  it('refuses navigation and redirects away from the renderer, webviews and every new window', () => {
    createMainWindow({
      preloadPath: '/p.cjs',
      renderer: rendererLocation(INDEX, undefined),
      indexHtmlPath: INDEX,
    })
    const contents = fake.contents.at(-1) as FakeContents
    expect(navigate(contents, 'will-navigate', 'https://evil.example/')).toBe(true)
    expect(navigate(contents, 'will-navigate', 'file:///etc/passwd')).toBe(true)
    expect(navigate(contents, 'will-redirect', 'https://evil.example/')).toBe(true)
    expect(navigate(contents, 'will-navigate', `file://${INDEX}#/browse`)).toBe(false)
    expect(navigate(contents, 'will-attach-webview', 'about:blank')).toBe(true)
    expect(contents.windowOpenHandler?.()).toEqual({ action: 'deny' })
  })

  it('loads the dev server in development and accepts navigation only within it', () => {
    const renderer = rendererLocation(INDEX, 'http://localhost:5173/')
    createMainWindow({ preloadPath: '/p.cjs', renderer, indexHtmlPath: INDEX })
    expect(fake.windows.at(-1)!.loaded).toEqual(['http://localhost:5173/'])
    const contents = fake.contents.at(-1) as FakeContents
    expect(navigate(contents, 'will-navigate', 'http://localhost:5173/#/host')).toBe(false)
    expect(navigate(contents, 'will-navigate', 'http://localhost:5174/')).toBe(true)
  })
})

describe('hardenSession', () => {
  it('adds the CSP to every response and denies every permission', () => {
    hardenSession(rendererLocation(INDEX, undefined))
    let headers: Record<string, string[]> = {}
    fake.onHeaders?.({ responseHeaders: { 'X-Other': ['1'] } }, (r) => (headers = r.responseHeaders))
    expect(headers['X-Other']).toEqual(['1'])
    const csp = headers['Content-Security-Policy']?.[0] ?? ''
    expect(csp).toContain("default-src 'self'")
    expect(csp).not.toContain('unsafe-eval')
    const answers: boolean[] = []
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read'])
      fake.permissionRequest?.({}, permission, (ok) => answers.push(ok))
    expect(answers).toEqual([false, false, false, false])
    expect(fake.permissionCheck?.()).toBe(false)
  })
})
