// A tiny raw protocol peer for the server's tests and the abuse/fuzz tests in main/testing: connects with node:net
// (optionally from another loopback address, to stand for a second host), decodes frames with the shared
// FrameDecoder and lets a test send arbitrary headers/bytes, misbehaving byte by byte, and await whole frames
// (header + collected body). Deliberately independent of main/client so the server is tested against the wire
// format itself.
import net from 'node:net'
import { FrameDecoder, encodeHeader, type FrameHeader } from '../protocol/frame-codec'

export interface Frame {
  header: FrameHeader
  /** The collected body, or null when the header declared none. */
  body: Buffer | null
}

export class TestPeer {
  private readonly decoder = new FrameDecoder()
  private readonly frames: Frame[] = []
  private readonly waiters: Array<{ resolve: (f: Frame) => void; reject: (e: Error) => void }> = []
  private current: { header: FrameHeader; chunks: Buffer[] } | null = null
  private ended = false
  /** Resolves when the socket has closed. */
  readonly closed: Promise<void>

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', () => undefined)
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.ended = true
        for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('connection closed'))
        resolve()
      })
    })
  }

  static connect(port: number, localAddress?: string): Promise<TestPeer> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({
        port,
        host: '127.0.0.1',
        noDelay: true,
        ...(localAddress ? { localAddress } : {}),
      })
      socket.once('error', reject)
      socket.once('connect', () => {
        socket.off('error', reject)
        resolve(new TestPeer(socket))
      })
    })
  }

  /** Connects and consumes the HELLO, returning both. */
  static async open(port: number): Promise<{ peer: TestPeer; hello: FrameHeader }> {
    const peer = await TestPeer.connect(port)
    const hello = await peer.next()
    return { peer, hello: hello.header }
  }

  send(header: FrameHeader, body?: Buffer): void {
    this.socket.write(body ? Buffer.concat([encodeHeader(header), body]) : encodeHeader(header))
  }

  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes)
  }

  /** The next complete frame; rejects if the connection closes first. */
  next(): Promise<Frame> {
    const frame = this.frames.shift()
    if (frame) return Promise.resolve(frame)
    if (this.ended) return Promise.reject(new Error('connection closed'))
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }))
  }

  async request(header: FrameHeader, body?: Buffer): Promise<Frame> {
    this.send(header, body)
    return this.next()
  }

  /** Frames still unread plus everything until the server closes the connection. */
  async drainUntilClosed(): Promise<Frame[]> {
    await this.closed
    return this.frames.splice(0)
  }

  close(): Promise<void> {
    this.socket.end()
    return this.closed
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

  private deliver(frame: Frame): void {
    const waiter = this.waiters.shift()
    if (waiter) waiter.resolve(frame)
    else this.frames.push(frame)
  }
}
