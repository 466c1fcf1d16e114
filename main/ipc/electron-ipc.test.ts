// The Electron transport, with ipcMain replaced by a recorder: every channel is registered, calls from frames
// other than the app's renderer are refused, and service events reach the window.
import { describe, expect, it, vi } from 'vitest'
import { rendererLocation } from '../shell/renderer-origin'
import { CALL_CHANNELS, EVENT_CHANNELS } from './channels'
import type { Kit } from './service-test-kit'
import { makeKit } from './service-test-kit'

type Handle = (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => unknown
const handlers = vi.hoisted(() => new Map<string, Handle>())
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: Handle) => handlers.set(channel, fn),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}))

const { forwardEvents, registerIpc } = await import('./electron-ipc')

const renderer = rendererLocation('/app/out/renderer/index.html', undefined)
const OWN = 'file:///app/out/renderer/index.html#/connect'

async function withKit(run: (kit: Kit) => Promise<void>): Promise<void> {
  const kit = await makeKit()
  try {
    await run(kit)
  } finally {
    await kit.cleanup()
  }
}

describe('registerIpc', () => {
  it('handles every call channel, only for the app renderer, and unregisters', () =>
    withKit(async (kit) => {
      const off = registerIpc(kit.service, renderer)
      expect([...handlers.keys()].sort()).toEqual(Object.values(CALL_CHANNELS).sort())
      const getAppInfo = handlers.get(CALL_CHANNELS.getAppInfo)
      expect(await getAppInfo?.({ senderFrame: { url: OWN } })).toMatchObject({
        ok: true,
        value: { mode: 'browser' },
      })
      for (const url of ['https://evil.example/', 'file:///tmp/other.html']) {
        expect(await getAppInfo?.({ senderFrame: { url } })).toEqual({
          ok: false,
          error: { code: 'PERMISSION_DENIED', message: 'call from an unknown frame refused' },
        })
      }
      expect(await getAppInfo?.({ senderFrame: null })).toMatchObject({ ok: false })
      const listRemote = handlers.get(CALL_CHANNELS.listRemote)
      expect(await listRemote?.({ senderFrame: { url: OWN } }, '../x')).toMatchObject({
        ok: false,
        error: { code: 'INVALID_ARGUMENT' },
      })
      off()
      expect(handlers.size).toBe(0)
    }))
})

describe('forwardEvents', () => {
  it('sends service events on their main: channel until the window closes', () =>
    withKit(async (kit) => {
      const sent: Array<[string, unknown]> = []
      let onClosed: (() => void) | undefined
      const window = {
        isDestroyed: () => false,
        webContents: {
          isDestroyed: () => false,
          send: (channel: string, payload: unknown) => sent.push([channel, payload]),
        },
        once: (_event: 'closed', fn: () => void) => (onClosed = fn),
      }
      forwardEvents(kit.service, window as never)
      kit.service.events.emit('connection', { state: 'disconnected' })
      onClosed?.()
      kit.service.events.emit('connection', { state: 'disconnected', reason: 'late' })
      expect(sent).toEqual([[EVENT_CHANNELS.connection, { state: 'disconnected' }]])
    }))
})
