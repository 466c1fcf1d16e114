import { afterEach, describe, expect, it, vi } from 'vitest'
import type { BridgeSocket } from './browser-bridge'
import {
  createBrowserBridge,
  installBrowserBridge,
  RECONNECT_MAX_MS,
  RECONNECT_MIN_MS,
} from './browser-bridge'

/** A scripted stand-in for the browser-mode host's WebSocket. */
class FakeSocket implements BridgeSocket {
  static last: FakeSocket | null = null
  readyState = 0
  binaryType = 'blob'
  onopen: ((event: unknown) => void) | null = null
  onmessage: ((event: { data: unknown }) => void) | null = null
  onclose: ((event: unknown) => void) | null = null
  onerror: ((event: unknown) => void) | null = null
  readonly sent: Array<string | Uint8Array> = []
  sentWaiters: Array<() => void> = []

  constructor(readonly url = 'ws://test/bridge') {
    FakeSocket.last = this
  }
  send(data: string | ArrayBuffer | Uint8Array): void {
    this.sent.push(typeof data === 'string' ? data : new Uint8Array(data as ArrayBuffer))
    for (const wake of this.sentWaiters.splice(0)) wake()
  }
  close(): void {
    this.readyState = 3
    this.onclose?.({})
  }
  open(): void {
    this.readyState = 1
    this.onopen?.({})
  }
  push(message: object): void {
    this.onmessage?.({ data: JSON.stringify(message) })
  }
  calls(): Array<{ id: number; method: string; args: unknown[] }> {
    return this.sent.filter((m): m is string => typeof m === 'string').map((m) => JSON.parse(m))
  }
  chunks(): Uint8Array[] {
    return this.sent.filter((m): m is Uint8Array => typeof m !== 'string')
  }
  /** Resolves at the next send. */
  nextSend(): Promise<void> {
    return new Promise((resolve) => this.sentWaiters.push(resolve))
  }
}

afterEach(() => {
  delete window.ferry
  sessionStorage.clear()
  vi.unstubAllGlobals()
})

describe('createBrowserBridge', () => {
  it('sends calls as {id, method, args} and resolves with the matching result', async () => {
    const socket = new FakeSocket()
    const api = createBrowserBridge(() => socket, noBytes)
    const listing = api.listRemote('docs')
    socket.open()
    await socket.nextSend()
    const [call] = socket.calls()
    expect(call).toMatchObject({ method: 'listRemote', args: ['docs'] })
    socket.push({ id: call?.id, result: { ok: true, value: [] } })
    await expect(listing).resolves.toEqual({ ok: true, value: [] })
  })

  it('delivers pushed events to subscribers until they unsubscribe', async () => {
    const socket = new FakeSocket()
    const api = createBrowserBridge(() => socket, noBytes)
    const seen: unknown[] = []
    const off = api.onConnectionEvent((e) => seen.push(e))
    socket.open()
    socket.push({ event: 'connection', payload: { state: 'disconnected' } })
    socket.push({ event: 'host', payload: { type: 'log' } })
    off()
    socket.push({ event: 'connection', payload: { state: 'connecting', host: 'a', port: 1 } })
    expect(seen).toEqual([{ state: 'disconnected' }])
  })

  it('fails pending calls with CONNECTION_CLOSED when the socket drops', async () => {
    const socket = new FakeSocket()
    const api = createBrowserBridge(() => socket, noBytes)
    const status = api.getHostStatus()
    socket.open()
    await socket.nextSend()
    socket.close()
    await expect(status).resolves.toMatchObject({ ok: false, error: { code: 'CONNECTION_CLOSED' } })
  })

  it('says the bridge is lost when it drops, retries with a growing delay, and says when it is back', async () => {
    vi.useFakeTimers()
    try {
      const sockets: FakeSocket[] = []
      const api = createBrowserBridge(() => {
        const socket = new FakeSocket()
        sockets.push(socket)
        return socket
      }, noBytes)
      const bridge: string[] = []
      const events: unknown[] = []
      api.onBridgeEvent((e) => bridge.push(e.state))
      api.onConnectionEvent((e) => events.push(e))
      sockets[0]?.open()
      sockets[0]?.close() // the back end went away
      expect(bridge).toEqual(['lost'])
      // The back end is still down: the first retry is refused.
      await vi.advanceTimersByTimeAsync(RECONNECT_MIN_MS)
      expect(sockets).toHaveLength(2)
      sockets[1]?.close()
      await vi.advanceTimersByTimeAsync(RECONNECT_MIN_MS)
      expect(sockets).toHaveLength(2) // the delay doubled
      await vi.advanceTimersByTimeAsync(RECONNECT_MIN_MS)
      expect(sockets).toHaveLength(3)
      sockets[2]?.open()
      expect(bridge).toEqual(['lost', 'restored'])
      // Subscriptions carry on over the new socket.
      sockets[2]?.push({ event: 'connection', payload: { state: 'disconnected' } })
      expect(events).toEqual([{ state: 'disconnected' }])
      // Closed on purpose: no 'lost', no retries.
      api.close()
      await vi.advanceTimersByTimeAsync(RECONNECT_MAX_MS * 2)
      expect(bridge).toEqual(['lost', 'restored'])
      expect(sockets).toHaveLength(3)
    } finally {
      vi.useRealTimers()
    }
  })

  it('reports CONNECTION_FAILED when the host refuses the socket', async () => {
    const api = createBrowserBridge(() => {
      const socket = new FakeSocket()
      queueMicrotask(() => socket.close())
      return socket
    }, noBytes)
    await expect(api.getAppInfo()).resolves.toMatchObject({ ok: false, error: { code: 'CONNECTION_FAILED' } })
  })

  it('starts uploads with one call, resolves with the jobs at once, and sends their bytes with its sender', async () => {
    const socket = new FakeSocket()
    const sent: Array<[string, number, number]> = []
    const api = createBrowserBridge(
      () => socket,
      (stream, offset, body) => {
        sent.push([stream, offset, body instanceof Blob ? body.size : body.byteLength])
        return Promise.resolve(null)
      },
    )
    const upload = api.uploadFiles([{ file: new File(['hello'], 'a.txt'), relativePath: 'in/a.txt' }], 'dest')
    socket.open()
    await socket.nextSend()
    const start = socket.calls()[0]
    expect(start).toMatchObject({
      method: 'upload.start',
      args: [[{ relativePath: 'in/a.txt', size: 5 }], 'dest'],
    })
    const stream = 'ab'.repeat(16)
    socket.push({ id: start?.id, result: { ok: true, value: [{ transferId: 't1', stream, items: [0] }] } })
    await expect(upload).resolves.toEqual({ ok: true, value: ['t1'] })
    await vi.waitFor(() => expect(sent).toEqual([[stream, 0, 5]]))
    // Bytes never travel on the socket.
    expect(socket.chunks()).toEqual([])
  })

  it('returns the error when the host refuses to start an upload', async () => {
    const socket = new FakeSocket()
    const api = createBrowserBridge(() => socket, noBytes)
    const upload = api.uploadFiles([{ file: new File(['hello'], 'a.txt'), relativePath: 'a.txt' }], '')
    socket.open()
    await socket.nextSend()
    const error = { code: 'CONNECTION_CLOSED', message: 'connect to a server first' }
    socket.push({ id: socket.calls()[0]?.id, result: { ok: false, error } })
    await expect(upload).resolves.toEqual({ ok: false, error })
  })
})

/** For bridges whose test sends no upload bytes. */
const noBytes = () => Promise.resolve({ code: 'INTERNAL' as const, message: 'no upload bytes in this test' })

describe('installBrowserBridge', () => {
  it('installs window.ferry from the #token in the address and hides the token', () => {
    vi.stubGlobal('WebSocket', FakeSocket)
    window.history.replaceState(null, '', '/#token=s3cret')
    const api = installBrowserBridge()
    expect(api).not.toBeNull()
    expect(window.ferry).toBe(api)
    expect(window.location.hash).toBe('')
    expect(sessionStorage.getItem('ferry.bridge-token')).toBe('s3cret')
    void api?.getAppInfo()
    expect(FakeSocket.last?.url).toBe(`ws://${window.location.host}/bridge?token=s3cret`)
  })

  it('leaves a preload bridge alone', () => {
    const preload = {} as NonNullable<Window['ferry']>
    window.ferry = preload
    window.history.replaceState(null, '', '/#token=abc')
    expect(installBrowserBridge()).toBe(preload)
    expect(window.ferry).toBe(preload)
  })

  it('returns null when there is no token at all', () => {
    window.history.replaceState(null, '', '/')
    expect(installBrowserBridge()).toBeNull()
    expect(window.ferry).toBeUndefined()
  })
})
