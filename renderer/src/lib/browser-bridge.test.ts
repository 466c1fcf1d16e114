import { afterEach, describe, expect, it, vi } from 'vitest'
import type { BridgeSocket } from './browser-bridge'
import { createBrowserBridge, installBrowserBridge } from './browser-bridge'

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
    const api = createBrowserBridge(() => socket)
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
    const api = createBrowserBridge(() => socket)
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
    const api = createBrowserBridge(() => socket)
    const status = api.getHostStatus()
    socket.open()
    await socket.nextSend()
    socket.close()
    await expect(status).resolves.toMatchObject({ ok: false, error: { code: 'CONNECTION_CLOSED' } })
  })

  it('reports CONNECTION_FAILED when the host refuses the socket', async () => {
    const api = createBrowserBridge(() => {
      const socket = new FakeSocket()
      queueMicrotask(() => socket.close())
      return socket
    })
    await expect(api.getAppInfo()).resolves.toMatchObject({ ok: false, error: { code: 'CONNECTION_FAILED' } })
  })

  it('streams an upload in id-prefixed chunks, never past the ack window, then queues it', async () => {
    const socket = new FakeSocket()
    const api = createBrowserBridge(() => socket)
    const size = 1024 * 1024 + 3 * 256 * 1024 + 5 // more than the window, ragged end
    const bytes = new Uint8Array(size).map((_, i) => i % 251)
    const upload = api.uploadFiles(
      [{ file: new File([bytes], 'big.bin'), relativePath: 'in/big.bin' }],
      'dest',
    )
    socket.open()
    await socket.nextSend()
    const begin = socket.calls()[0]
    expect(begin).toMatchObject({ method: 'upload.begin', args: [{ name: 'big.bin', size }] })
    socket.push({ id: begin?.id, result: { ok: true, value: 7 } })

    let acked = 0
    while (acked < size) {
      // Let the bridge send everything its window allows, then check it stopped there.
      await vi.waitFor(() => expect(sentBytes(socket)).toBe(Math.min(size, acked + 1024 * 1024)))
      acked = sentBytes(socket)
      socket.push({ ack: 7, bytes: acked })
    }
    await vi.waitFor(() => expect(socket.calls().at(-1)?.method).toBe('upload.queue'))
    const queue = socket.calls().at(-1)
    expect(queue?.args).toEqual([[{ uploadId: 7, relativePath: 'in/big.bin' }], 'dest'])
    socket.push({ id: queue?.id, result: { ok: true, value: ['t1'] } })
    await expect(upload).resolves.toEqual({ ok: true, value: ['t1'] })

    const received = new Uint8Array(size)
    let offset = 0
    for (const chunk of socket.chunks()) {
      expect(new DataView(chunk.buffer, chunk.byteOffset).getUint32(0)).toBe(7)
      received.set(chunk.subarray(4), offset)
      offset += chunk.length - 4
    }
    expect(offset).toBe(size)
    // Element-wise deep equality on megabytes is slow; the first differing index says the same.
    expect(received.findIndex((v, i) => v !== bytes[i])).toBe(-1)
  })

  it('aborts staged uploads and returns the error when the host rejects a chunk', async () => {
    const socket = new FakeSocket()
    const api = createBrowserBridge(() => socket)
    const upload = api.uploadFiles([{ file: new File(['hello'], 'a.txt'), relativePath: 'a.txt' }], '')
    socket.open()
    await socket.nextSend()
    socket.push({ id: socket.calls()[0]?.id, result: { ok: true, value: 3 } })
    await vi.waitFor(() => expect(socket.chunks()).toHaveLength(1))
    socket.push({ ack: 3, error: { code: 'NO_SPACE', message: 'disk full' } })
    await vi.waitFor(() => expect(socket.calls().at(-1)?.method).toBe('upload.abort'))
    const abort = socket.calls().at(-1)
    expect(abort?.args).toEqual([3])
    socket.push({ id: abort?.id, result: { ok: true, value: null } })
    await expect(upload).resolves.toEqual({ ok: false, error: { code: 'NO_SPACE', message: 'disk full' } })
  })
})

function sentBytes(socket: FakeSocket): number {
  return socket.chunks().reduce((sum, c) => sum + c.length - 4, 0)
}

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
