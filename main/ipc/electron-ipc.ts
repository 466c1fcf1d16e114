// Electron transport of FerryService: one ipcMain.handle per call channel, each checking that the call comes from
// the app's own renderer frame, and the service's events forwarded to the window.
import { ipcMain } from 'electron'
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron'
import type { RendererLocation } from '../shell/renderer-origin'
import { isOwnRenderer } from '../shell/renderer-origin'
import { CALL_CHANNELS, CALL_METHODS, EVENT_CHANNELS } from './channels'
import type { FerryService } from './ferry-service'

export function registerIpc(service: FerryService, renderer: RendererLocation): () => void {
  for (const method of CALL_METHODS) {
    const channel = CALL_CHANNELS[method]
    const handle = service.handlers[method]
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, ...args: unknown[]) => {
      if (!isOwnRenderer(event.senderFrame?.url, renderer)) {
        return {
          ok: false,
          error: { code: 'PERMISSION_DENIED', message: 'call from an unknown frame refused' },
        }
      }
      return handle(...args)
    })
  }
  return () => {
    for (const method of CALL_METHODS) ipcMain.removeHandler(CALL_CHANNELS[method])
  }
}

/** Forwards every service event to the window while it lives; returns the unsubscribe. */
export function forwardEvents(service: FerryService, window: BrowserWindow): () => void {
  const off = service.events.onAny((name, payload) => {
    if (window.isDestroyed() || window.webContents.isDestroyed()) return
    window.webContents.send(EVENT_CHANNELS[name], payload)
  })
  window.once('closed', off)
  return off
}
