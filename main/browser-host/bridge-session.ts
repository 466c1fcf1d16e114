// One page's WebSocket: runs its calls against the shared FerryService, starts its uploads (their bytes come
// over HTTP, page-uploads.ts), and pushes the service's events to it. Wire format: bridge-protocol.ts.
import type { WebSocket } from 'ws'
import type { IpcResult } from '../../preload/api'
import { CALL_CHANNELS } from '../ipc/channels'
import type { CallMethod } from '../ipc/channels'
import type { FerryService } from '../ipc/ferry-service'
import { describeZodError, handler } from '../ipc/result'
import type { Handler } from '../ipc/result'
import { CallMessageSchema, UploadAbortSchema, UploadStartSchema } from './bridge-protocol'
import type { PageUploads } from './page-uploads'

/** A page that stops reading its socket is cut off rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024

export class BridgeSession {
  private readonly handlers: Record<string, Handler<unknown>>
  private readonly offEvents: () => void

  constructor(
    private readonly socket: WebSocket,
    private readonly service: FerryService,
    private readonly uploads: PageUploads,
  ) {
    this.handlers = this.buildHandlers()
    this.offEvents = service.events.onAny((event, payload) => this.send({ event, payload }))
    socket.on('message', (data, isBinary) => {
      const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)
      // Upload bytes go over HTTP; a binary frame here is not the page speaking.
      if (isBinary) this.protocolError('binary frames are not part of the bridge')
      else void this.onCall(buffer.toString('utf8'))
    })
    socket.on('close', () => this.dispose())
    socket.on('error', () => socket.terminate())
  }

  private buildHandlers(): Record<string, Handler<unknown>> {
    const calls: Record<string, Handler<unknown>> = {}
    for (const method of Object.keys(CALL_CHANNELS) as CallMethod[]) {
      // Uploads from a page arrive as bytes (upload.*), never as paths on this machine.
      if (method !== 'uploadFiles') calls[method] = this.service.handlers[method]
    }
    calls['upload.start'] = handler(UploadStartSchema, (files, remoteDir, options) =>
      this.uploads.start(files, remoteDir, this, options ?? {}),
    )
    calls['upload.abort'] = handler(UploadAbortSchema, (stream, error) => {
      this.uploads.abort(stream, error)
      return null
    })
    return calls
  }

  private async onCall(text: string): Promise<void> {
    let message: unknown
    try {
      message = JSON.parse(text)
    } catch {
      this.protocolError('message is not JSON')
      return
    }
    const parsed = CallMessageSchema.safeParse(message)
    if (!parsed.success) {
      this.protocolError(describeZodError(parsed.error))
      return
    }
    const { id, method, args } = parsed.data
    const run = Object.hasOwn(this.handlers, method) ? this.handlers[method] : undefined
    const result: IpcResult<unknown> = run
      ? await run(...args)
      : { ok: false, error: { code: 'INVALID_ARGUMENT', message: `unknown method ${method}` } }
    this.send({ id, result })
  }

  private protocolError(message: string): void {
    // Policy violation: the page is ours, so a malformed frame means a bug or a stranger; either way stop.
    this.socket.close(1008, message.slice(0, 120))
  }

  private send(message: object): void {
    if (this.socket.readyState !== this.socket.OPEN) return
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.socket.terminate()
      return
    }
    this.socket.send(JSON.stringify(message))
  }

  private dispose(): void {
    this.offEvents()
    void this.uploads.release(this)
  }
}
