// API surface: the preload's methods, the channel list and the Api contract cannot drift apart, and the contract's
// ErrorCode is exactly the protocol's ERROR_CODES.
import { readFileSync } from 'node:fs'
import { describe, expect, expectTypeOf, it, vi } from 'vitest'
import { CALL_CHANNELS, EVENT_CHANNELS, EVENT_METHODS, LOCAL_METHODS } from '../main/ipc/channels'
import { ERROR_CODES } from '../main/protocol/error-codes'
import type { ErrorCode as ProtocolErrorCode } from '../main/protocol/error-codes'
import type { IpcRendererEvent } from 'electron'
import { createBrowserBridge } from '../renderer/src/lib/browser-bridge'
import type { Api, ErrorCode } from './api'

type Listener = (event: IpcRendererEvent, ...args: unknown[]) => void

const exposed = vi.hoisted(() => ({ value: undefined as unknown }))
vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => key === 'ferry' && (exposed.value = api),
  },
  ipcRenderer: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn() },
  webUtils: { getPathForFile: () => '' },
}))

const { createPreloadApi } = await import('./index')

function fakeIpc() {
  const listeners = new Map<string, Set<Listener>>()
  return {
    calls: [] as Array<{ channel: string; args: unknown[] }>,
    listeners,
    invoke(channel: string, ...args: unknown[]) {
      this.calls.push({ channel, args })
      return Promise.resolve({ ok: true, value: null })
    },
    on(channel: string, listener: Listener) {
      const set = listeners.get(channel) ?? new Set()
      set.add(listener)
      listeners.set(channel, set)
    },
    removeListener(channel: string, listener: Listener) {
      listeners.get(channel)?.delete(listener)
    },
  }
}

describe('API surface', () => {
  it('exposes exactly the Api methods as window.ferry', () => {
    expect(Object.keys(exposed.value as object).sort()).toMatchInlineSnapshot(`
      [
        "browseNearby",
        "cancelPerf",
        "cancelTransfer",
        "chooseFolder",
        "clearFinishedTransfers",
        "connect",
        "deleteRemote",
        "disconnect",
        "download",
        "forgetTrustedServer",
        "getAppInfo",
        "getConnectionState",
        "getHostSettings",
        "getHostStatus",
        "listRemote",
        "listTransferFiles",
        "listTransfers",
        "listTrustedServers",
        "makeRemoteFolder",
        "onBridgeEvent",
        "onConnectionEvent",
        "onHostEvent",
        "onNearbyEvent",
        "onPairingLink",
        "onPerfEvent",
        "onTransferEvent",
        "parsePairingLink",
        "renameRemote",
        "retryTransfer",
        "setHostAnnounce",
        "startHost",
        "startPerf",
        "stopBrowsingNearby",
        "stopHost",
        "takePairingLink",
        "trustFingerprint",
        "uploadFiles",
      ]
    `)
  })

  it('has one channel per call method and one event stream per subscription', () => {
    const methods = Object.keys(exposed.value as object)
    const calls = methods.filter((m) => !m.startsWith('on')).sort()
    const local: readonly string[] = LOCAL_METHODS
    const subscriptions = methods.filter((m) => m.startsWith('on') && !local.includes(m)).sort()
    expect(Object.keys(CALL_CHANNELS).sort()).toEqual(calls)
    expect(Object.keys(EVENT_METHODS).sort()).toEqual(subscriptions)
    const all = [...Object.values(CALL_CHANNELS), ...Object.values(EVENT_CHANNELS)]
    expect(new Set(all).size).toBe(all.length)
    for (const channel of Object.values(CALL_CHANNELS)) expect(channel).toMatch(/^renderer:[a-z-]+$/)
    for (const channel of Object.values(EVENT_CHANNELS)) expect(channel).toMatch(/^main:[a-z-]+$/)
  })

  it('gives browser mode the same methods as the preload', () => {
    const bridge = createBrowserBridge(
      () => {
        throw new Error('not opened by this test')
      },
      () => Promise.resolve(null),
    )
    const methods = Object.keys(bridge).filter((m) => m !== 'close')
    expect(methods.sort()).toEqual(Object.keys(exposed.value as object).sort())
  })

  it('calls each method on its own channel with the arguments unchanged', async () => {
    const ipc = fakeIpc()
    const api = createPreloadApi(ipc, () => '/home/me/a.txt')
    await api.listRemote('docs')
    await api.renameRemote('a', 'b')
    await api.deleteRemote('x', true)
    await api.startHost({ port: 0, root: '/srv', bindAll: false })
    await api.trustFingerprint('nas.local', 7420, 'AB:CD')
    expect(ipc.calls).toEqual([
      { channel: 'renderer:list-remote', args: ['docs'] },
      { channel: 'renderer:rename-remote', args: ['a', 'b'] },
      { channel: 'renderer:delete-remote', args: ['x', true] },
      { channel: 'renderer:start-host', args: [{ port: 0, root: '/srv', bindAll: false }] },
      { channel: 'renderer:trust-fingerprint', args: ['nas.local', 7420, 'AB:CD'] },
    ])
  })

  it('turns uploaded Files into local paths, and refuses files that have none', async () => {
    const ipc = fakeIpc()
    const paths = new Map<File, string>()
    const api = createPreloadApi(ipc, (file) => paths.get(file) ?? '')
    const onDisk = new File(['x'], 'a.txt')
    paths.set(onDisk, '/home/me/a.txt')
    await api.uploadFiles([{ file: onDisk, relativePath: 'pics/a.txt' }], 'inbox')
    expect(ipc.calls).toEqual([
      {
        channel: 'renderer:upload-files',
        args: [[{ localPath: '/home/me/a.txt', relativePath: 'pics/a.txt' }], 'inbox'],
      },
    ])
    const result = await api.uploadFiles([{ file: new File(['y'], 'mem.txt'), relativePath: 'mem.txt' }], '')
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })
    expect(ipc.calls).toHaveLength(1)
  })

  it('strips the IPC event from subscriptions and unsubscribes', () => {
    const ipc = fakeIpc()
    const api = createPreloadApi(ipc, () => '')
    const seen: unknown[] = []
    const off = api.onTransferEvent((e) => seen.push(e))
    const [listener] = ipc.listeners.get('main:transfer-event') ?? []
    listener?.({ sender: 'secret' } as unknown as IpcRendererEvent, { type: 'update' })
    expect(seen).toEqual([{ type: 'update' }])
    off()
    expect(ipc.listeners.get('main:transfer-event')?.size).toBe(0)
  })
})

describe('ErrorCode', () => {
  it('is the same set in preload/api.ts and the protocol', () => {
    expectTypeOf<ErrorCode>().toEqualTypeOf<ProtocolErrorCode>()
    const source = readFileSync(new URL('./api.ts', import.meta.url), 'utf8')
    const union = /export type ErrorCode =([^]*?)\n\n/.exec(source)?.[1] ?? ''
    const codes = [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1])
    expect(codes).toEqual([...ERROR_CODES])
  })

  it('keeps Api a complete interface of the exposed object', () => {
    expectTypeOf(createPreloadApi).returns.toEqualTypeOf<Api>()
  })
})
