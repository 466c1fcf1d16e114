// The BrowserWindow's webPreferences as a pure function, so a unit test can check every security switch without
// starting Electron.
import type { WebPreferences } from 'electron'

export function buildWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    // Middle-click would open links in new windows; Ferry opens none.
    disableBlinkFeatures: 'Auxclick',
  }
}
