// The main window: an isolated, sandboxed renderer with a strict CSP (sent as a response header), no navigation
// away from the app, no new windows, and no permissions granted.
import { BrowserWindow, session } from 'electron'
import { contentSecurityPolicy } from './shell/csp'
import type { RendererLocation } from './shell/renderer-origin'
import { isOwnRenderer } from './shell/renderer-origin'
import { buildWebPreferences } from './shell/web-preferences'

export interface WindowOptions {
  preloadPath: string
  renderer: RendererLocation
  indexHtmlPath: string
}

/** Once per session: CSP on every response, every permission request denied. */
export function hardenSession(renderer: RendererLocation): void {
  const devOrigin = renderer.devUrl ? new URL(renderer.devUrl).origin : undefined
  const csp = contentSecurityPolicy(devOrigin ? { devServerOrigin: devOrigin } : {})
  const ses = session.defaultSession
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } })
  })
  ses.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
}

export function createMainWindow(options: WindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 760,
    minHeight: 520,
    title: 'Ferry',
    show: false,
    webPreferences: buildWebPreferences(options.preloadPath),
  })
  const contents = window.webContents
  contents.on('will-navigate', (event, url) => {
    if (!isOwnRenderer(url, options.renderer)) event.preventDefault()
  })
  contents.on('will-redirect', (event, url) => {
    if (!isOwnRenderer(url, options.renderer)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  // Ferry has no links to the web: no page, however it got there, may open a window.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  window.once('ready-to-show', () => window.show())
  if (options.renderer.devUrl) void window.loadURL(options.renderer.devUrl)
  else void window.loadFile(options.indexHtmlPath)
  return window
}
