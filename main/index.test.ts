// The Electron entry's lifecycle against a recording stand-in for Electron (no Electron binary can be had here):
// the single-instance lock, the ferry:// registration, links from a second launch and from macOS 'open-url' (also
// before 'ready'), the window and IPC set up once ready, and a clean shutdown on quit.
import type { EventEmitter } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

const LINK = `ferry://192.168.1.20:7420?fp=${'ab'.repeat(32)}`

const fake = vi.hoisted(() => ({
  lock: true,
  dir: '',
  calls: [] as string[],
  app: null as unknown as EventEmitter & Record<string, unknown>,
  ready: null as null | (() => void),
  handlers: new Map<string, (event: { senderFrame: { url: string } }, ...args: unknown[]) => unknown>(),
  windows: [] as EventEmitter[],
}))

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events')
  const app = Object.assign(new Emitter(), {
    isPackaged: true,
    requestSingleInstanceLock: () => fake.lock,
    setAsDefaultProtocolClient: (scheme: string) => fake.calls.push(`protocol:${scheme}`),
    quit: () => fake.calls.push('quit'),
    isReady: () => fake.ready === null,
    whenReady: () =>
      new Promise<void>((resolve) => {
        fake.ready = () => {
          fake.ready = null
          resolve()
        }
      }),
    getVersion: () => '9.9.9',
    getPath: (name: string) => `${fake.dir}/${name}`,
  })
  fake.app = app as never
  return {
    app,
    BrowserWindow: { getAllWindows: () => fake.windows, getFocusedWindow: () => null },
    dialog: {},
    ipcMain: {
      handle: (channel: string, fn: never) => fake.handlers.set(channel, fn),
      removeHandler: (channel: string) => fake.handlers.delete(channel),
    },
  }
})

vi.mock('./window', async () => {
  const { EventEmitter: Emitter } = await import('node:events')
  return {
    hardenSession: () => fake.calls.push('harden'),
    createMainWindow: () => {
      fake.calls.push('window')
      const window = Object.assign(new Emitter(), {
        webContents: Object.assign(new Emitter(), { send: () => undefined, isDestroyed: () => false }),
        isDestroyed: () => false,
        isMinimized: () => false,
        restore: () => undefined,
        focus: () => fake.calls.push('focus'),
      })
      fake.windows.push(window)
      return window
    },
  }
})

async function start(): Promise<void> {
  vi.resetModules()
  await import('./index')
}

async function ready(): Promise<void> {
  fake.ready?.()
  // whenReady's continuation runs on the next microtasks; wait for the window it creates.
  await vi.waitFor(() => expect(fake.calls).toContain('window'))
}

async function take(): Promise<unknown> {
  const handler = [...fake.handlers.entries()].find(([channel]) => channel.includes('take-pairing-link'))?.[1]
  // Calls are accepted only from the app's own page: the index.html next to the entry's folder.
  const url = pathToFileURL(join(__dirname, '../renderer/index.html')).href
  return handler?.({ senderFrame: { url } })
}

beforeEach(async () => {
  fake.dir = await mkdtemp(join(tmpdir(), 'ferry-electron-'))
  fake.lock = true
  fake.calls.length = 0
  fake.handlers.clear()
  fake.windows.length = 0
  fake.ready = null
})
afterEach(async () => {
  fake.app?.emit('will-quit', { preventDefault: () => undefined })
  await rm(fake.dir, { recursive: true, force: true })
})

describe('the Electron entry', () => {
  it('quits at once when another instance holds the lock, registering nothing', async () => {
    fake.lock = false
    await start()
    expect(fake.calls).toEqual(['quit'])
    expect(fake.app.listenerCount('second-instance')).toBe(0)
  })

  it('registers ferry://, then once ready hardens the session, opens the window and serves IPC', async () => {
    await start()
    expect(fake.calls).toEqual(['protocol:ferry'])
    await ready()
    expect(fake.calls).toEqual(['protocol:ferry', 'harden', 'window'])
    expect(fake.handlers.size).toBeGreaterThan(10)
  })

  it('holds a link that arrived by open-url before ready and hands it to the page', async () => {
    await start()
    let prevented = false
    fake.app.emit('open-url', { preventDefault: () => (prevented = true) }, LINK)
    expect(prevented).toBe(true)
    await ready()
    expect(await take()).toMatchObject({ ok: true, value: { host: '192.168.1.20', port: 7420, tls: true } })
  })

  it('takes a link from a second launch and brings the window forward', async () => {
    await start()
    await ready()
    fake.app.emit('second-instance', {}, ['/usr/bin/ferry', '--no-sandbox', LINK])
    expect(fake.calls.at(-1)).toBe('focus')
    expect(await take()).toMatchObject({ ok: true, value: { port: 7420 } })
  })

  it('on quit stops the back end first, then quits', async () => {
    await start()
    await ready()
    let prevented = false
    fake.app.emit('will-quit', { preventDefault: () => (prevented = true) })
    expect(prevented).toBe(true)
    await vi.waitFor(() => expect(fake.calls.at(-1)).toBe('quit'))
  })
})
