// A TCP proxy for client tests against the real server: records the frame headers flowing each way and can cut
// a connection once a given number of bytes went through, to test reconnect-and-resume deterministically.
import net from 'node:net'
import { FrameDecoder, type FrameHeader } from '../protocol/frame-codec'

export type Direction = 'up' | 'down'

export interface ProxyOptions {
  /** Destroy connection number `connection` (0-based) once `bytes` have flowed in `direction`. */
  cut?: { connection: number; direction: Direction; bytes: number }
}

export interface TestProxy {
  readonly port: number
  /** Headers sent by the client ('up') and by the server ('down'), per connection, in order. */
  readonly headers: Array<Record<Direction, FrameHeader[]>>
  /** Resolves when the cut happened. */
  readonly cutDone: Promise<void>
  close(): Promise<void>
}

export async function startProxy(targetPort: number, options: ProxyOptions = {}): Promise<TestProxy> {
  const sockets = new Set<net.Socket>()
  const headers: Array<Record<Direction, FrameHeader[]>> = []
  let markCut: () => void = () => undefined
  const cutDone = new Promise<void>((resolve) => {
    markCut = resolve
  })
  const server = net.createServer((client) => {
    const index = headers.length
    const log: Record<Direction, FrameHeader[]> = { up: [], down: [] }
    headers.push(log)
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort })
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('error', () => undefined)
      s.on('close', () => {
        sockets.delete(s)
        client.destroy()
        upstream.destroy()
      })
    }
    const cut = options.cut?.connection === index ? options.cut : undefined
    const pipe = (from: net.Socket, to: net.Socket, direction: Direction): void => {
      const decoder = new FrameDecoder()
      let flowed = 0
      let cutting = false
      from.on('data', (chunk: Buffer) => {
        if (cutting) return
        for (const event of decoder.push(chunk))
          if (event.kind === 'header') log[direction].push(event.header)
        flowed += chunk.length
        if (cut?.direction === direction && flowed >= cut.bytes) {
          cutting = true
          // Forward part of the chunk so the peer holds an arbitrary, unaligned prefix.
          to.write(chunk.subarray(0, Math.floor(chunk.length / 2)), () => {
            client.destroy()
            upstream.destroy()
            markCut()
          })
          from.pause()
          return
        }
        if (!to.write(chunk)) {
          from.pause()
          to.once('drain', () => from.resume())
        }
      })
    }
    pipe(client, upstream, 'up')
    pipe(upstream, client, 'down')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    headers,
    cutDone,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
