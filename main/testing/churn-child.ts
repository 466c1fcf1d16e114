// Runs in its own process (`node --expose-gc --import tsx churn-child.ts <cycles>`) so file descriptors and heap
// are measured without the test runner's noise: a FerryServer, then many connect/abort cycles of every kind, then
// one JSON line with the counts before and after.
import { once } from 'node:events'
import { promises as fsp, readdirSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { FerryClient } from '../client'
import { encodeHeader } from '../protocol/frame-codec'
import { FerryServer } from '../server'

const cycles = Number(process.argv[2] ?? 1000)
const gc = (globalThis as { gc?: () => void }).gc

function fds(): number {
  return readdirSync('/proc/self/fd').length
}

function heap(): number {
  gc?.()
  gc?.()
  return process.memoryUsage().heapUsed
}

const base = await fsp.mkdtemp(path.join(os.tmpdir(), 'ferry-churn-'))
const server = await FerryServer.start({ root: path.join(base, 'share') })
const port = server.address().port
await fsp.writeFile(path.join(server.root, 'file.bin'), Buffer.alloc(4 * 1024 * 1024, 7))
let connected = 0
let left = 0
server.on('client-connected', () => connected++)
server.on('client-left', () => left++)

/** Resolves once the server has seen every connection it accepted go away. */
async function settled(): Promise<void> {
  while (left < connected) await once(server, 'client-left')
}

function raw(): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1')
  socket.on('error', () => undefined)
  return once(socket, 'connect').then(() => socket)
}

async function cycle(i: number): Promise<void> {
  switch (i % 6) {
    case 0: // connect and vanish
      ;(await raw()).destroy()
      return
    case 1: {
      // wait for HELLO, then reset
      const s = await raw()
      await once(s, 'data')
      s.resetAndDestroy()
      return
    }
    case 2: {
      // a proper client, closed politely
      const c = await FerryClient.connect({ host: '127.0.0.1', port })
      await c.ping()
      await c.close()
      return
    }
    case 3: {
      // half a frame header, then gone
      const s = await raw()
      s.write(encodeHeader({ op: 'LIST', id: 1, path: '' }).subarray(0, 7))
      s.destroy()
      return
    }
    case 4: {
      // a PUT cut off mid-body
      const s = await raw()
      s.write(
        encodeHeader({
          op: 'PUT',
          id: 1,
          path: `churn-${i}.bin`,
          size: 100_000,
          sha256: 'a'.repeat(64),
          mode: 'overwrite',
        }),
      )
      s.write(Buffer.concat([encodeHeader({ op: 'DATA', id: 1, body: 100_000 }), Buffer.alloc(5000)]))
      s.resetAndDestroy()
      return
    }
    default: {
      // a download abandoned mid-body by a reader that stopped reading
      const s = await raw()
      s.write(encodeHeader({ op: 'GET', id: 1, path: 'file.bin' }))
      await once(s, 'data')
      s.pause()
      s.destroy()
    }
  }
}

for (let i = 0; i < 60; i++) await cycle(i) // warm up caches, JIT and pools
await settled()
const before = { fds: fds(), heap: heap() }
for (let i = 0; i < cycles; i++) await cycle(i)
await settled()
const after = { fds: fds(), heap: heap() }
const probe = await FerryClient.connect({ host: '127.0.0.1', port })
const stillServing = (await probe.list('')).some((e) => e.name === 'file.bin')
await probe.close()
await settled()
const clientsLeft = server.clients().length
await server.close({ graceMs: 0 })
await fsp.rm(base, { recursive: true, force: true })
process.stdout.write(
  JSON.stringify({ before, after, connected, clientsLeft, stillServing, gc: gc !== undefined }) + '\n',
)
