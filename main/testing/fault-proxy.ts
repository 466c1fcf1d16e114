// A TCP proxy for fault tests: sits on 127.0.0.1:0 between a real client and a real server and misbehaves on
// purpose. Faults apply to one direction ('up' = client to server, 'down' = server to client) and, for the
// byte-triggered ones, fire once `afterBytes` bytes have passed in that direction. It emits 'fault' when a
// fault took effect, so tests wait for that event rather than for time.
import { EventEmitter, once } from 'node:events'
import net from 'node:net'

export type FaultDirection = 'up' | 'down'

export type FaultMode =
  | { kind: 'pass' }
  /** Holds each chunk for ms before forwarding it, one chunk at a time (adds latency, caps throughput). */
  | { kind: 'delay'; ms: number; direction?: FaultDirection | 'both' }
  /** Forwards byte by byte, each write waiting for the previous one (the peer sees 1-byte reads). */
  | { kind: 'split'; direction?: FaultDirection | 'both' }
  /** After afterBytes, forwards nothing more in that direction, but keeps both sockets open. */
  | { kind: 'stall'; afterBytes: number; direction: FaultDirection }
  /** Like stall, but nothing is dropped: release() delivers the held bytes and lets the rest flow. */
  | { kind: 'pause'; afterBytes: number; direction: FaultDirection }
  /** After afterBytes, ends (FIN) that direction; the other direction keeps flowing. */
  | { kind: 'half-close'; afterBytes: number; direction: FaultDirection }
  /** After afterBytes, resets (RST) both sockets. */
  | { kind: 'reset'; afterBytes: number; direction: FaultDirection }

export interface FaultEvent {
  connection: number
  kind: FaultMode['kind']
  direction: FaultDirection
  bytes: number
}

export interface FaultProxyOptions {
  target: { host: string; port: number }
  /** The fault for each new connection (numbered from 0): lets a test fault the first and pass the retry. */
  mode: FaultMode | ((connection: number) => FaultMode)
}

export class FaultProxy extends EventEmitter<{ fault: [FaultEvent]; connection: [number] }> {
  private readonly server: net.Server
  private readonly sockets = new Set<net.Socket>()
  private count = 0
  private held: Array<() => void> = []

  private constructor(private readonly options: FaultProxyOptions) {
    super()
    this.server = net.createServer({ pauseOnConnect: true }, (client) => this.accept(client))
  }

  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const proxy = new FaultProxy(options)
    proxy.server.listen(0, '127.0.0.1')
    await once(proxy.server, 'listening')
    return proxy
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port
  }

  /** Connections accepted so far. */
  get connections(): number {
    return this.count
  }

  /** Waits for the next fault to take effect. */
  async nextFault(): Promise<FaultEvent> {
    const [event] = await once(this, 'fault')
    return event as FaultEvent
  }

  /** Lets every connection held by a 'pause' fault continue, held bytes first. */
  release(): void {
    for (const resume of this.held.splice(0)) resume()
  }

  /** Cuts every connection open now (new ones get their mode as usual): the peer behind went away. */
  dropAll(): void {
    for (const s of this.sockets) s.destroy()
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private accept(client: net.Socket): void {
    const id = this.count++
    const mode = typeof this.options.mode === 'function' ? this.options.mode(id) : this.options.mode
    const server = net.connect(this.options.target.port, this.options.target.host)
    for (const s of [client, server]) {
      this.sockets.add(s)
      s.setNoDelay(true)
      s.on('error', () => {
        client.destroy()
        server.destroy()
      })
      s.on('close', () => {
        this.sockets.delete(s)
        client.destroy()
        server.destroy()
      })
    }
    server.once('connect', () => {
      this.pipe(id, client, server, 'up', mode)
      this.pipe(id, server, client, 'down', mode)
      client.resume()
      this.emit('connection', id)
    })
  }

  private pipe(
    id: number,
    from: net.Socket,
    to: net.Socket,
    direction: FaultDirection,
    mode: FaultMode,
  ): void {
    const target = mode.kind === 'pass' ? null : (mode.direction ?? 'both')
    let active = target === 'both' || target === direction
    let passed = 0
    let stopped = false
    let queue = Promise.resolve()
    const fault = (): void => {
      this.emit('fault', { connection: id, kind: mode.kind, direction, bytes: passed })
    }

    const write = (chunk: Buffer): Promise<void> =>
      new Promise((resolve) => {
        if (to.destroyed || to.writableEnded) return resolve()
        if (to.write(chunk)) resolve()
        else {
          // Backpressure: stop reading until the other side drained.
          from.pause()
          to.once('drain', () => {
            // A stall or pause fault may have stopped the source meanwhile: keep it stopped.
            if (!stopped) from.resume()
            resolve()
          })
          to.once('close', () => resolve())
        }
      })

    const writeBytewise = async (chunk: Buffer): Promise<void> => {
      for (let i = 0; i < chunk.length && !to.destroyed; i++) {
        await new Promise<void>((resolve) => to.write(chunk.subarray(i, i + 1), () => resolve()))
        // Give the receiving end a turn to read this byte alone before the next one is written.
        await new Promise<void>((resolve) => setImmediate(resolve))
      }
    }

    const onChunk = (chunk: Buffer): void => {
      if (stopped) return
      if (!active) {
        passed += chunk.length
        void write(chunk)
        return
      }
      switch (mode.kind) {
        case 'delay': {
          from.pause()
          queue = queue.then(async () => {
            await new Promise((r) => setTimeout(r, mode.ms))
            await write(chunk)
            from.resume()
          })
          break
        }
        case 'split': {
          from.pause()
          queue = queue.then(async () => {
            await writeBytewise(chunk)
            from.resume()
          })
          break
        }
        case 'stall':
        case 'pause':
        case 'half-close':
        case 'reset': {
          const room = mode.afterBytes - passed
          const head = room >= chunk.length ? chunk : chunk.subarray(0, Math.max(0, room))
          passed += head.length
          if (head.length > 0) void write(head)
          if (passed < mode.afterBytes) break
          stopped = true
          // A stalled peer reads nothing more: pausing lets backpressure build up in the sender, as it would.
          if (mode.kind === 'stall') from.pause()
          if (mode.kind === 'pause') {
            from.pause()
            const held = chunk.subarray(head.length)
            this.held.push(() => {
              active = false
              stopped = false
              if (held.length > 0) void write(held)
              from.resume()
            })
          }
          if (mode.kind === 'half-close') to.end()
          if (mode.kind === 'reset') {
            from.resetAndDestroy()
            to.resetAndDestroy()
          }
          fault()
          break
        }
      }
    }
    from.on('data', onChunk)
    from.on('end', () => {
      if (stopped) return
      void queue.then(() => to.end())
    })
    // A fault at byte 0 fires before anything flows.
    if (active && 'afterBytes' in mode && mode.afterBytes === 0) onChunk(Buffer.alloc(0))
  }
}
