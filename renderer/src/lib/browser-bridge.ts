// Browser mode's window.ferry: the Api of preload/api.ts over the WebSocket the browser-mode host serves at
// /bridge, and upload bytes over HTTP to the same host (bridge-uploads.ts). The wire format is described in
// main/browser-host/bridge-protocol.ts; the constants below mirror it.
import type {
  Api,
  ApiError,
  BridgeEvent,
  ConnectionState,
  HostEvent,
  IpcResult,
  NearbyEvent,
  PairingLinkEvent,
  PerfEvent,
  TransferEvent,
  Unsubscribe,
} from '../../../preload/api'
import { createUploader, httpSender } from './bridge-uploads'
import type { BytesSender } from './bridge-uploads'

const BRIDGE_PATH = '/bridge'
const TOKEN_KEY = 'ferry.bridge-token'
/** Reconnect attempts after a lost bridge start at the first delay and double up to the second. */
export const RECONNECT_MIN_MS = 250
export const RECONNECT_MAX_MS = 4000

/** The part of the WebSocket interface the bridge uses (browsers' WebSocket and the ws package both fit). */
export interface BridgeSocket {
  readonly readyState: number
  binaryType: string
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: unknown) => void) | null
  onerror: ((event: unknown) => void) | null
  send(data: string | ArrayBuffer | Uint8Array): void
  close(code?: number, reason?: string): void
}

export interface BrowserBridge extends Api {
  /** Closes the socket; later calls reconnect. */
  close(): void
}

type Streams = {
  host: HostEvent
  connection: ConnectionState
  transfer: TransferEvent
  perf: PerfEvent
  pairing: PairingLinkEvent
  nearby: NearbyEvent
}
type StreamName = keyof Streams

function failure(code: ApiError['code'], message: string): { ok: false; error: ApiError } {
  return { ok: false, error: { code, message } }
}

/** sendBytes carries upload bytes over HTTP (httpSender); the socket carries everything else. */
export function createBrowserBridge(createSocket: () => BridgeSocket, sendBytes: BytesSender): BrowserBridge {
  let socket: BridgeSocket | null = null
  let opened: Promise<BridgeSocket | null> | null = null
  let nextId = 1
  const pending = new Map<number, (result: IpcResult<unknown>) => void>()
  const listeners: { [K in StreamName]: Set<(payload: Streams[K]) => void> } = {
    host: new Set(),
    connection: new Set(),
    transfer: new Set(),
    perf: new Set(),
    pairing: new Set(),
    nearby: new Set(),
  }

  const bridgeListeners = new Set<(event: BridgeEvent) => void>()
  /** The socket dropped (not closed on purpose) and has not been reopened yet. */
  let lost = false
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  let retryDelay = RECONNECT_MIN_MS

  function announce(state: BridgeEvent['state']): void {
    for (const listener of [...bridgeListeners]) listener({ state })
  }

  /** While the bridge is lost it is retried with a growing delay, so the page recovers when the back end is back. */
  function retrySoon(): void {
    if (retryTimer !== null || !lost) return
    retryTimer = setTimeout(() => {
      retryTimer = null
      void open()
    }, retryDelay)
    retryDelay = Math.min(retryDelay * 2, RECONNECT_MAX_MS)
  }

  function dropped(reason: string): void {
    socket = null
    opened = null
    for (const resolve of pending.values()) resolve(failure('CONNECTION_CLOSED', reason))
    pending.clear()
  }

  function onMessage(data: unknown): void {
    if (typeof data !== 'string') return
    let message: Record<string, unknown>
    try {
      message = JSON.parse(data) as Record<string, unknown>
    } catch {
      return
    }
    if (typeof message['id'] === 'number') {
      const resolve = pending.get(message['id'])
      pending.delete(message['id'])
      resolve?.(message['result'] as IpcResult<unknown>)
    } else if (typeof message['event'] === 'string' && message['event'] in listeners) {
      const set = listeners[message['event'] as StreamName] as Set<(payload: unknown) => void>
      for (const listener of [...set]) listener(message['payload'])
    }
  }

  /** Opens the socket once; resolves null when it closes before opening (host gone, token refused). */
  function open(): Promise<BridgeSocket | null> {
    opened ??= new Promise<BridgeSocket | null>((resolve) => {
      const ws = createSocket()
      let isOpen = false
      ws.binaryType = 'arraybuffer'
      ws.onopen = () => {
        isOpen = true
        socket = ws
        resolve(ws)
        if (lost) {
          lost = false
          retryDelay = RECONNECT_MIN_MS
          announce('restored')
        }
      }
      ws.onmessage = (event) => onMessage(event.data)
      // Failures surface as 'close' right after; that is where they are handled.
      ws.onerror = () => undefined
      ws.onclose = () => {
        if (!isOpen) {
          opened = null
          resolve(null)
          retrySoon()
        } else if (socket === ws) {
          dropped("lost contact with Ferry's back end; it reconnects by itself when the back end is back")
          lost = true
          announce('lost')
          retrySoon()
        }
      }
    })
    return opened
  }

  async function call<T>(method: string, ...args: unknown[]): Promise<IpcResult<T>> {
    const ws = socket ?? (await open())
    if (!ws) return failure('CONNECTION_FAILED', 'cannot reach Ferry; is it still running?')
    const id = nextId++
    return new Promise<IpcResult<T>>((resolve) => {
      pending.set(id, resolve as (result: IpcResult<unknown>) => void)
      ws.send(JSON.stringify({ id, method, args }))
    })
  }

  const uploader = createUploader({ call, send: sendBytes })

  function subscribe<K extends StreamName>(name: K, listener: (payload: Streams[K]) => void): Unsubscribe {
    listeners[name].add(listener)
    void open()
    return () => {
      listeners[name].delete(listener)
    }
  }

  return {
    getAppInfo: () => call('getAppInfo'),
    chooseFolder: (purpose) => call('chooseFolder', purpose),
    startHost: (options) => call('startHost', options),
    stopHost: () => call('stopHost'),
    getHostStatus: () => call('getHostStatus'),
    getHostSettings: () => call('getHostSettings'),
    onHostEvent: (listener) => subscribe('host', listener),
    connect: (target) => call('connect', target),
    trustFingerprint: (host, port, fingerprint) => call('trustFingerprint', host, port, fingerprint),
    disconnect: () => call('disconnect'),
    parsePairingLink: (link) => call('parsePairingLink', link),
    takePairingLink: () => call('takePairingLink'),
    onPairingLink: (listener) => subscribe('pairing', listener),
    listTrustedServers: () => call('listTrustedServers'),
    forgetTrustedServer: (host, port) => call('forgetTrustedServer', host, port),
    onConnectionEvent: (listener) => subscribe('connection', listener),
    getConnectionState: () => call('getConnectionState'),
    onBridgeEvent: (listener) => {
      bridgeListeners.add(listener)
      return () => {
        bridgeListeners.delete(listener)
      }
    },
    listRemote: (path) => call('listRemote', path),
    makeRemoteFolder: (path) => call('makeRemoteFolder', path),
    renameRemote: (from, to) => call('renameRemote', from, to),
    deleteRemote: (path, recursive) => call('deleteRemote', path, recursive),
    uploadFiles: (items, remoteDir, options) => uploader.uploadFiles(items, remoteDir, options),
    download: (remotePaths, localDir, options) =>
      options ? call('download', remotePaths, localDir, options) : call('download', remotePaths, localDir),
    cancelTransfer: (id) => call('cancelTransfer', id),
    retryTransfer: (id) => call('retryTransfer', id),
    listTransfers: () => call('listTransfers'),
    listTransferFiles: (id, offset, limit) => call('listTransferFiles', id, offset, limit),
    clearFinishedTransfers: () => call('clearFinishedTransfers'),
    onTransferEvent: (listener) => subscribe('transfer', listener),
    startPerf: (options) => call('startPerf', options),
    cancelPerf: () => call('cancelPerf'),
    onPerfEvent: (listener) => subscribe('perf', listener),
    browseNearby: () => call('browseNearby'),
    stopBrowsingNearby: () => call('stopBrowsingNearby'),
    onNearbyEvent: (listener) => subscribe('nearby', listener),
    setHostAnnounce: (enabled) => call('setHostAnnounce', enabled),
    close: () => {
      const ws = socket
      lost = false
      if (retryTimer !== null) clearTimeout(retryTimer)
      retryTimer = null
      dropped('closed')
      ws?.close(1000, 'closed')
    },
  }
}

/** What installBrowserBridge uses of the page's window (structural, so Node-side tests can type-check it too). */
export interface BridgeWindow {
  ferry?: Api
  location: { hash: string; pathname: string; search: string; host: string; protocol: string }
  sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void }
  history: { replaceState(data: unknown, unused: string, url: string): void }
  WebSocket: new (url: string) => unknown
}

/** The bridge URL for this page: the token comes from the address (#token=...) the host printed. */
export function bridgeUrl(location: BridgeWindow['location'], token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}${BRIDGE_PATH}?token=${encodeURIComponent(token)}`
}

/**
 * Installs window.ferry over the browser-mode bridge when no preload provided one (the renderer's entry calls
 * this first thing). The token moves from the address bar to sessionStorage, so it is not left on screen and a
 * reload still works. Returns the Api in use, or null when there is neither a preload nor a token.
 */
export function installBrowserBridge(win: BridgeWindow = globalThis as unknown as BridgeWindow): Api | null {
  if (win.ferry) return win.ferry
  const fromHash = new URLSearchParams(win.location.hash.replace(/^#/, '')).get('token')
  const token = fromHash ?? win.sessionStorage.getItem(TOKEN_KEY)
  if (!token) return null
  if (fromHash) {
    win.sessionStorage.setItem(TOKEN_KEY, fromHash)
    win.history.replaceState(null, '', win.location.pathname + win.location.search)
  }
  const url = bridgeUrl(win.location, token)
  // Upload bytes go to the same origin as the page, with the same token.
  const bridge = createBrowserBridge(() => new win.WebSocket(url) as BridgeSocket, httpSender('', token))
  win.ferry = bridge
  return bridge
}
