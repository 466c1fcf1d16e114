// The raw TCP request/response baseline: the client sends a 4-byte big-endian length, the server answers with
// that many bytes. No framing, no JSON, no hashing, no disk: what loopback TCP plus Node sockets allow on this
// machine, the ceiling a Ferry GET of the same size is compared against.
import { connect, createServer, type Server, type Socket } from 'node:net'
import { once } from 'node:events'
import { FerryError, fromSystemError } from '../main/protocol/error-codes'

const MAX_RESPONSE = 64 * 1024 * 1024

/** Serves request/response on `server` (created here); answers come from one shared buffer. */
export function createRawEchoServer(): Server {
  const payload = Buffer.alloc(MAX_RESPONSE, 0x61)
  return createServer({ noDelay: true }, (socket) => {
    socket.on('error', () => socket.destroy())
    let pending: Buffer = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
      while (pending.length >= 4) {
        const size = pending.readUInt32BE(0)
        pending = pending.subarray(4)
        if (size > MAX_RESPONSE) {
          socket.destroy()
          return
        }
        socket.write(payload.subarray(0, size))
      }
    })
  })
}

export class RawEchoClient {
  private waiter: {
    size: number
    chunks: Buffer[]
    got: number
    resolve: (b: Buffer) => void
    reject: (e: Error) => void
  } | null = null
  private isClosed = false

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', (e) => this.fail(fromSystemError(e, 'raw echo')))
    socket.on('close', () => this.fail(new FerryError('CONNECTION_CLOSED', 'raw echo connection closed')))
  }

  static async connect(options: {
    host: string
    port: number
    connectTimeoutMs?: number
    signal?: AbortSignal
  }): Promise<RawEchoClient> {
    const socket = connect({ host: options.host, port: options.port, noDelay: true })
    const timeout = AbortSignal.timeout(options.connectTimeoutMs ?? 10_000)
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout
    try {
      await once(socket, 'connect', { signal })
    } catch (e: unknown) {
      socket.destroy()
      throw signal.aborted
        ? new FerryError('TIMEOUT', 'raw echo connect timed out')
        : fromSystemError(e, 'raw echo')
    }
    return new RawEchoClient(socket)
  }

  get closed(): boolean {
    return this.isClosed
  }

  getBuffer(_path: string, options: { signal?: AbortSignal; maxBytes?: number } = {}): Promise<Buffer> {
    const size = options.maxBytes ?? 0
    if (options.signal?.aborted) {
      this.fail(new FerryError('CANCELLED', 'raw echo request cancelled'))
      return Promise.reject(new FerryError('CANCELLED', 'raw echo request cancelled'))
    }
    if (this.isClosed)
      return Promise.reject(new FerryError('CONNECTION_CLOSED', 'raw echo connection closed'))
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.fail(new FerryError('CANCELLED', 'raw echo request cancelled'))
      }
      options.signal?.addEventListener('abort', onAbort, { once: true })
      const done =
        <T>(f: (v: T) => void) =>
        (v: T): void => {
          options.signal?.removeEventListener('abort', onAbort)
          f(v)
        }
      this.waiter = { size, chunks: [], got: 0, resolve: done(resolve), reject: done(reject) }
      const header = Buffer.allocUnsafe(4)
      header.writeUInt32BE(size)
      this.socket.write(header)
      if (size === 0) this.finish()
    })
  }

  putBuffer(): Promise<never> {
    return Promise.reject(new FerryError('UNSUPPORTED', 'the raw echo baseline only answers reads'))
  }

  async close(): Promise<void> {
    if (this.isClosed) return
    this.socket.end()
    await once(this.socket, 'close')
  }

  private onData(chunk: Buffer): void {
    const w = this.waiter
    if (!w) return this.fail(new FerryError('PROTOCOL', 'raw echo: unexpected bytes'))
    w.chunks.push(chunk)
    w.got += chunk.length
    if (w.got > w.size) return this.fail(new FerryError('PROTOCOL', 'raw echo: too many bytes'))
    if (w.got === w.size) this.finish()
  }

  private finish(): void {
    const w = this.waiter
    this.waiter = null
    w?.resolve(w.chunks.length === 1 ? (w.chunks[0] as Buffer) : Buffer.concat(w.chunks))
  }

  private fail(error: FerryError): void {
    this.isClosed = true
    const w = this.waiter
    this.waiter = null
    this.socket.destroy()
    w?.reject(error)
  }
}
