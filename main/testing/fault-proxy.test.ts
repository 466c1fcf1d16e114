import { once } from 'node:events'
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { FaultProxy, type FaultMode } from './fault-proxy'

interface Peer {
  socket: net.Socket
  chunks: Buffer[]
  ended: Promise<unknown>
  closed: Promise<unknown>
}

function track(socket: net.Socket): Peer {
  const chunks: Buffer[] = []
  socket.on('data', (d: Buffer) => chunks.push(d))
  socket.on('error', () => undefined)
  // Plain promises: events.once would reject on 'error', and a reset is an expected outcome here.
  const ended = new Promise((resolve) => socket.once('end', resolve))
  const closed = new Promise((resolve) => socket.once('close', resolve))
  return { socket, chunks, ended, closed }
}

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** A server behind a proxy in the given mode, and one client connected through it. */
async function setup(mode: FaultMode): Promise<{ proxy: FaultProxy; client: Peer; server: Peer }> {
  const accepted: Peer[] = []
  const target = net.createServer({ allowHalfOpen: true }, (s) => accepted.push(track(s)))
  target.listen(0, '127.0.0.1')
  await once(target, 'listening')
  const proxy = await FaultProxy.start({
    target: { host: '127.0.0.1', port: (target.address() as net.AddressInfo).port },
    mode,
  })
  const socket = net.connect({ port: proxy.port, host: '127.0.0.1', allowHalfOpen: true })
  const client = track(socket)
  await Promise.all([once(socket, 'connect'), once(target, 'connection'), once(proxy, 'connection')])
  cleanups.push(async () => {
    socket.destroy()
    for (const a of accepted) a.socket.destroy()
    await proxy.close()
    await new Promise<void>((r) => target.close(() => r()))
  })
  return { proxy, client, server: accepted[0]! }
}

async function receive(peer: Peer, bytes: number): Promise<Buffer> {
  while (Buffer.concat(peer.chunks).length < bytes) await once(peer.socket, 'data')
  return Buffer.concat(peer.chunks)
}

const payload = Buffer.from(Array.from({ length: 64 }, (_, i) => i))

describe('FaultProxy', () => {
  it('passes bytes both ways unchanged', async () => {
    const { client, server } = await setup({ kind: 'pass' })
    client.socket.write(payload)
    expect(await receive(server, 64)).toEqual(payload)
    server.socket.write(payload)
    expect(await receive(client, 64)).toEqual(payload)
  })

  it('delays but keeps order', async () => {
    const { client, server } = await setup({ kind: 'delay', ms: 5 })
    for (let i = 0; i < 8; i++) client.socket.write(payload.subarray(i * 8, i * 8 + 8))
    expect(await receive(server, 64)).toEqual(payload)
  })

  it('splits into 1-byte writes', async () => {
    const { client, server } = await setup({ kind: 'split', direction: 'up' })
    client.socket.write(payload)
    expect(await receive(server, 64)).toEqual(payload)
    expect(server.chunks.length).toBeGreaterThan(32) // at most a few bytes can coalesce in the kernel
  })

  it('stalls after N bytes and keeps the connection open', async () => {
    const { proxy, client, server } = await setup({ kind: 'stall', afterBytes: 10, direction: 'up' })
    const fault = proxy.nextFault()
    client.socket.write(payload)
    expect(await fault).toMatchObject({ kind: 'stall', bytes: 10, direction: 'up' })
    expect(await receive(server, 10)).toEqual(payload.subarray(0, 10))
    server.socket.write('still here')
    expect((await receive(client, 10)).toString()).toBe('still here')
    expect(server.socket.destroyed || client.socket.destroyed).toBe(false)
  })

  it('half-closes one direction after N bytes while the other keeps flowing', async () => {
    const { client, server } = await setup({ kind: 'half-close', afterBytes: 20, direction: 'up' })
    client.socket.write(payload)
    await server.ended
    expect(Buffer.concat(server.chunks)).toEqual(payload.subarray(0, 20))
    server.socket.end('bye')
    await client.ended
    expect(Buffer.concat(client.chunks).toString()).toBe('bye')
  })

  it('resets both sides after N bytes', async () => {
    const { proxy, client, server } = await setup({ kind: 'reset', afterBytes: 5, direction: 'down' })
    const fault = proxy.nextFault()
    server.socket.write(payload)
    await fault
    await server.closed
    // The reader sees ECONNRESET, or EOF when the RST arrives behind data it has not read yet (Linux).
    await Promise.race([client.ended, client.closed])
    expect(Buffer.concat(client.chunks).length).toBeLessThanOrEqual(5)
  })

  it('chooses the mode per connection', async () => {
    const modes: FaultMode[] = [{ kind: 'reset', afterBytes: 0, direction: 'up' }, { kind: 'pass' }]
    const { proxy, client } = await setup({ kind: 'pass' })
    client.socket.destroy()
    expect(proxy.connections).toBe(1)
    const chooser = await FaultProxy.start({
      target: { host: '127.0.0.1', port: proxy.port },
      mode: (n) => modes[n]!,
    })
    cleanups.push(() => chooser.close())
    const first = track(net.connect(chooser.port, '127.0.0.1'))
    await first.closed
    expect(chooser.connections).toBe(1)
  })
})

describe('FaultProxy pause', () => {
  it('holds bytes after N and delivers all of them on release', async () => {
    const { proxy, client, server } = await setup({ kind: 'pause', afterBytes: 10, direction: 'up' })
    const fault = proxy.nextFault()
    client.socket.write(payload)
    await fault
    expect(await receive(server, 10)).toEqual(payload.subarray(0, 10))
    proxy.release()
    expect(await receive(server, 64)).toEqual(payload)
  })
})
