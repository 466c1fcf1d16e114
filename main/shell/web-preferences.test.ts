import { describe, expect, it } from 'vitest'
import { buildWebPreferences } from './web-preferences'

describe('buildWebPreferences', () => {
  it('isolates and sandboxes the renderer with no Node access', () => {
    const prefs = buildWebPreferences('/app/out/preload/index.cjs')
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
    })
  })

  it('does not enable anything that weakens the sandbox', () => {
    const prefs = buildWebPreferences('/p.cjs') as Record<string, unknown>
    for (const risky of ['enableBlinkFeatures', 'additionalArguments', 'partition', 'devTools']) {
      expect(prefs[risky], risky).toBeUndefined()
    }
  })
})
