// A scripted fake Ferry server for client tests: each connection runs a test-supplied script that reads whole
// frames and answers whatever it likes, including the malformed or malicious answers a real server never sends.
import { createHash } from 'node:crypto'
import net from 'node:net'
import { FrameDecoder, encodeHeader, type FrameHeader } from '../protocol/frame-codec'
import {
  MAX_HEADER_BYTES,
  MAX_NAME_BYTES,
  MAX_PATH_BYTES,
  MAX_PATH_DEPTH,
  PROTOCOL_VERSION,
} from '../protocol/limits'

export interface Frame {
  header: FrameHeader
  body: Buffer
}

export interface FakePeer {
  readonly socket: net.Socket
  /** Sends the greeting (the default one, with overrides). */
  hello(overrides?: Record<string, unknown>): void
  send(header: FrameHeader, body?: Buffer): void
  /** Raw bytes, for broken framing. */
  raw(bytes: Buffer): void
  /** The next complete frame from the client; rejects once the client is gone. */
  read(): Promise<Frame>
  /** Resolves when the client closed the connection. */
  readonly closed: Promise<void>
}

export interface FakeServer {
  readonly port: number
  /** Connections accepted so far. */
  readonly connections: number
  /** Errors thrown by scripts (a failing script must fail its test). */
  readonly errors: unknown[]
  close(): Promise<void>
}

export type Script = (peer: FakePeer, index: number) => Promise<void> | void

export function defaultHello(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'hello',
    protocol: PROTOCOL_VERSION,
    server: 'fake',
    idleTimeoutMs: 300_000,
    auth: 'none',
    tls: false,
    readOnly: false,
    limits: {
      maxHeaderBytes: MAX_HEADER_BYTES,
      maxNameBytes: MAX_NAME_BYTES,
      maxPathBytes: MAX_PATH_BYTES,
      maxPathDepth: MAX_PATH_DEPTH,
    },
    ...overrides,
  }
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

function attach(socket: net.Socket): FakePeer {
  const decoder = new FrameDecoder()
  const frames: Frame[] = []
  const waiters: Array<{ resolve: (f: Frame) => void; reject: (e: Error) => void }> = []
  let current: { header: FrameHeader; chunks: Buffer[] } | null = null
  let ended = false
  const push = (frame: Frame): void => {
    const waiter = waiters.shift()
    if (waiter) waiter.resolve(frame)
    else frames.push(frame)
  }
  socket.on('data', (chunk: Buffer) => {
    for (const event of decoder.push(chunk)) {
      if (event.kind === 'header') {
        if (event.header['body'] === undefined) push({ header: event.header, body: Buffer.alloc(0) })
        else current = { header: event.header, chunks: [] }
      } else if (event.kind === 'body') {
        current?.chunks.push(Buffer.from(event.chunk))
      } else if (current) {
        push({ header: current.header, body: Buffer.concat(current.chunks) })
        current = null
      }
    }
  })
  const closed = new Promise<void>((resolve) => {
    socket.on('close', () => {
      ended = true
      for (const waiter of waiters.splice(0)) waiter.reject(new Error('client closed the connection'))
      resolve()
    })
  })
  socket.on('error', () => undefined)
  return {
    socket,
    closed,
    hello: (overrides = {}) => socket.write(encodeHeader(defaultHello(overrides))),
    send: (header, body) => {
      socket.write(body ? Buffer.concat([encodeHeader(header), body]) : encodeHeader(header))
    },
    raw: (bytes) => socket.write(bytes),
    read: () => {
      const frame = frames.shift()
      if (frame) return Promise.resolve(frame)
      if (ended) return Promise.reject(new Error('client closed the connection'))
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }))
    },
  }
}

export async function startFakeServer(script: Script): Promise<FakeServer> {
  const sockets = new Set<net.Socket>()
  const errors: unknown[] = []
  let connections = 0
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    const index = connections++
    Promise.resolve()
      .then(() => script(attach(socket), index))
      .catch((err: unknown) => {
        // A script that ends because the client went away is fine; anything else is a test failure.
        if (!(err instanceof Error && err.message === 'client closed the connection')) errors.push(err)
      })
  })
  server.on('error', (err) => errors.push(err))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as net.AddressInfo
  return {
    port: address.port,
    get connections() {
      return connections
    },
    errors,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** Answers one GET frame with a file's bytes (from the requested offset) and a done frame. */
export function serveGet(
  peer: FakePeer,
  request: Frame,
  data: Buffer,
  options: { sha256?: string } = {},
): void {
  const id = request.header['id']
  const offset = typeof request.header['offset'] === 'number' ? request.header['offset'] : 0
  const body = data.subarray(offset)
  peer.send(
    { re: id, ok: true, size: data.length, offset, mtimeMs: 1_700_000_000_000, body: body.length },
    body,
  )
  peer.send({ re: id, ok: true, done: true, sha256: options.sha256 ?? sha256(data) })
}
