// Electron entry: app lifecycle only. The window lives in window.ts, the back end in main/ipc.
import { app, BrowserWindow, dialog } from 'electron'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FerryService, realBackends } from './ipc'
import { forwardEvents, registerIpc } from './ipc/electron-ipc'
import { linkFromArgv, protocolClientArgs } from './shell/pairing-links'
import { rendererLocation } from './shell/renderer-origin'
import { createMainWindow, hardenSession } from './window'

const here = dirname(fileURLToPath(import.meta.url))
const indexHtmlPath = join(here, '../renderer/index.html')
const preloadPath = join(here, '../preload/index.cjs')
const renderer = rendererLocation(
  indexHtmlPath,
  app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'],
)

let service: FerryService | null = null
/** ferry:// links that arrived before the back end existed (macOS may send 'open-url' before 'ready'). */
const earlyLinks: string[] = []

function openWindow(ferry: FerryService): void {
  const window = createMainWindow({ preloadPath, renderer, indexHtmlPath })
  forwardEvents(ferry, window)
  // A loading page is not listening yet: links wait in the inbox until it asks (takePairingLink).
  window.webContents.on('did-start-loading', () => ferry.pairing.detach())
  window.once('closed', () => ferry.pairing.detach())
}

function showWindow(): void {
  const window = BrowserWindow.getAllWindows()[0]
  if (!window) {
    if (service) openWindow(service)
    return
  }
  if (window.isMinimized()) window.restore()
  window.focus()
}

function receiveLink(url: string): void {
  if (service) service.pairing.receive(url)
  else earlyLinks.push(url)
}

async function chooseFolder(purpose: 'share' | 'download'): Promise<string | null> {
  const parent = BrowserWindow.getFocusedWindow()
  const options: Electron.OpenDialogOptions = {
    title: purpose === 'share' ? 'Choose the folder to share' : 'Choose where downloads go',
    properties: ['openDirectory', 'createDirectory'],
  }
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options)
  return result.canceled ? null : (result.filePaths[0] ?? null)
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  const handler = protocolClientArgs(process)
  app.setAsDefaultProtocolClient(handler.scheme, handler.path, handler.args)
  app.on('second-instance', (_event, argv) => {
    const link = linkFromArgv(argv)
    if (link) receiveLink(link)
    showWindow()
  })
  app.on('open-url', (event, url) => {
    event.preventDefault()
    receiveLink(url)
    if (app.isReady()) showWindow()
  })

  void app.whenReady().then(() => {
    hardenSession(renderer)
    const ferry = new FerryService({
      mode: 'electron',
      version: app.getVersion(),
      defaultDownloadDir: app.getPath('downloads'),
      defaultShareDir: join(app.getPath('documents'), 'Ferry'),
      // The TLS identity and the pinned server fingerprints live with the app's other state.
      dataDir: app.getPath('userData'),
      chooseFolder,
      backends: realBackends,
    })
    service = ferry
    const launchLink = linkFromArgv(process.argv)
    for (const url of [...earlyLinks.splice(0), ...(launchLink ? [launchLink] : [])])
      ferry.pairing.receive(url)
    registerIpc(ferry, renderer)
    openWindow(ferry)
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow(ferry)
    })
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  // Stop hosting and cancel transfers before exiting, so peers get a clean SHUTTING_DOWN instead of a reset, and
  // save the transfer list (dispose flushes the journal) so the next start offers to resume what was moving.
  let disposed = false
  app.on('will-quit', (event) => {
    if (disposed || !service) return
    event.preventDefault()
    disposed = true
    void service.dispose().finally(() => app.quit())
  })
}
