// A raw protocol peer for the abuse tests: connects (optionally from another loopback address, to stand for a
// second host), decodes whole frames, and lets a test misbehave byte by byte.
import { once } from 'node:events'
import net from 'node:net'
import { FrameDecoder, encodeHeader, type FrameHeader } from '../protocol/frame-codec'

export interface RawFrame {
  header: FrameHeader
  body: Buffer | null
}

export class RawPeer {
  private readonly decoder = new FrameDecoder()
  private readonly frames: RawFrame[] = []
  private readonly waiters: Array<{ resolve: (f: RawFrame) => void; reject: (e: Error) => void }> = []
  private current: { header: FrameHeader; chunks: Buffer[] } | null = null
  private ended = false
  readonly closed: Promise<void>

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', () => undefined)
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.ended = true
        for (const w of this.waiters.splice(0)) w.reject(new Error('connection closed'))
        resolve()
      })
    })
  }

  static async connect(port: number, localAddress?: string): Promise<RawPeer> {
    const socket = net.connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) })
    socket.on('error', () => undefined)
    await once(socket, 'connect')
    return new RawPeer(socket)
  }

  send(header: FrameHeader, body?: Buffer): void {
    this.socket.write(body ? Buffer.concat([encodeHeader(header), body]) : encodeHeader(header))
  }

  raw(bytes: Buffer): void {
    this.socket.write(bytes)
  }

  next(): Promise<RawFrame> {
    const frame = this.frames.shift()
    if (frame) return Promise.resolve(frame)
    if (this.ended) return Promise.reject(new Error('connection closed'))
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }))
  }

  async request(header: FrameHeader, body?: Buffer): Promise<RawFrame> {
    this.send(header, body)
    return this.next()
  }

  /** Every frame still unread once the server has closed the connection. */
  async rest(): Promise<RawFrame[]> {
    await this.closed
    return this.frames.splice(0)
  }

  destroy(): Promise<void> {
    this.socket.destroy()
    return this.closed
  }

  private onData(chunk: Buffer): void {
    for (const event of this.decoder.push(chunk)) {
      if (event.kind === 'header') {
        if (event.header['body'] === undefined) this.deliver({ header: event.header, body: null })
        else this.current = { header: event.header, chunks: [] }
      } else if (event.kind === 'body') {
        this.current?.chunks.push(Buffer.from(event.chunk))
      } else if (this.current) {
        this.deliver({ header: this.current.header, body: Buffer.concat(this.current.chunks) })
        this.current = null
      }
    }
  }

  private deliver(frame: RawFrame): void {
    const waiter = this.waiters.shift()
    if (waiter) waiter.resolve(frame)
    else this.frames.push(frame)
  }
}
