// One page's WebSocket: runs its calls against the shared FerryService, stages its uploads, and pushes the
// service's events to it. Wire format: bridge-protocol.ts.
import type { WebSocket } from 'ws'
import type { IpcResult } from '../../preload/api'
import { CALL_CHANNELS } from '../ipc/channels'
import type { CallMethod } from '../ipc/channels'
import type { FerryService } from '../ipc/ferry-service'
import { describeZodError, handler, toApiError } from '../ipc/result'
import type { Handler } from '../ipc/result'
import {
  CallMessageSchema,
  UPLOAD_ID_BYTES,
  UploadAbortSchema,
  UploadBeginSchema,
  UploadQueueSchema,
  WINDOW_BYTES,
} from './bridge-protocol'
import { UploadStaging } from './upload-staging'

/** A page that stops reading its socket is cut off rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024

export class BridgeSession {
  private readonly staging: UploadStaging
  private readonly handlers: Record<string, Handler<unknown>>
  private readonly offEvents: () => void

  constructor(
    private readonly socket: WebSocket,
    private readonly service: FerryService,
    stagingDir: string,
  ) {
    this.staging = new UploadStaging(stagingDir, WINDOW_BYTES)
    this.handlers = this.buildHandlers()
    this.offEvents = service.events.onAny((event, payload) => this.send({ event, payload }))
    socket.on('message', (data, isBinary) => {
      const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)
      if (isBinary) this.onChunk(buffer)
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
    calls['upload.begin'] = handler(UploadBeginSchema, ({ size }) => this.staging.begin(size))
    calls['upload.abort'] = handler(UploadAbortSchema, async (id) => {
      await this.staging.abort(id)
      return null
    })
    calls['upload.queue'] = handler(UploadQueueSchema, async (items, remoteDir) => {
      const local = []
      for (const item of items) {
        local.push({ localPath: await this.staging.finish(item.uploadId), relativePath: item.relativePath })
      }
      // Paths are checked by the planner (joined path inside the share) before anything is queued.
      const ids = await this.service.uploadLocal(local, remoteDir, { removeLocalWhenDone: true })
      // The transfer queue owns the staged files now and deletes each once uploaded.
      for (const item of items) this.staging.take(item.uploadId)
      return ids
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

  private onChunk(frame: Buffer): void {
    if (frame.length < UPLOAD_ID_BYTES) {
      this.protocolError('binary frame without an upload id')
      return
    }
    const id = frame.readUInt32BE(0)
    try {
      this.staging.write(id, frame.subarray(UPLOAD_ID_BYTES), (outcome) => {
        this.send(
          'error' in outcome ? { ack: id, error: toApiError(outcome.error) } : { ack: id, ...outcome },
        )
      })
    } catch (err: unknown) {
      this.send({ ack: id, error: toApiError(err) })
      void this.staging.abort(id)
    }
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
    void this.staging.dispose()
  }
}
