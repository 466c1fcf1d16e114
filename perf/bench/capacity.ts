// Capacity: hold many idle connections (each has received its HELLO, so the server has a full session for it)
// and check the server's memory and that a new client is still served promptly.
import { connect, type Socket } from 'node:net'
import { once, setMaxListeners } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FerryClient } from '../../main/client'
import { FerryError } from '../../main/protocol/error-codes'
import { ServerProcess } from './server-process'

export interface CapacityReport {
  requested: number
  held: number
  failed: number
  openMs: number
  baseRss: number
  rssHeld: number
  /** connect + HELLO + PING of a fresh client while the others are held, ms. */
  newClientMs: { samples: number; p50: number; max: number }
}

export interface CapacityOptions {
  connections: number
  timeoutMs: number
  cpuProfDir?: string
  log: (line: string) => void
}

const WAVE = 500
const PROBES = 20

/** Resolves once the server's first bytes (HELLO) arrive; the socket stays open. */
async function openIdle(port: number, signal: AbortSignal): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port })
  socket.on('error', () => socket.destroy())
  try {
    await once(socket, 'data', { signal })
    socket.pause()
    return socket
  } catch (e: unknown) {
    socket.destroy()
    throw e
  }
}

export async function runCapacity(options: CapacityOptions): Promise<CapacityReport> {
  const root = await mkdtemp(join(tmpdir(), 'ferry-bench-cap-'))
  const sockets: Socket[] = []
  const server = await ServerProcess.start(
    {
      mode: 'ferry',
      root,
      // Keep the idle sockets for the whole phase; the idle policy would otherwise start shedding them.
      // All connections come from 127.0.0.1, so the per-address cap goes up with the total.
      ferry: {
        maxConnections: options.connections + 1000,
        maxConnectionsPerAddress: options.connections + 1000,
        idlePolicy: { minMs: 600_000, maxMs: 600_000 },
      },
    },
    { cpuProfDir: options.cpuProfDir },
  )
  try {
    const baseRss = (await server.stats()).rss
    const signal = AbortSignal.timeout(options.timeoutMs)
    // A whole wave of connects waits on this one signal at once.
    setMaxListeners(0, signal)
    let failed = 0
    const t0 = performance.now()
    for (let i = 0; i < options.connections && !signal.aborted; i += WAVE) {
      const n = Math.min(WAVE, options.connections - i)
      const wave = await Promise.allSettled(Array.from({ length: n }, () => openIdle(server.port, signal)))
      for (const r of wave) {
        if (r.status === 'fulfilled') sockets.push(r.value)
        else failed += 1
      }
    }
    const openMs = performance.now() - t0
    options.log(
      `capacity: ${sockets.length} idle connections open (${failed} failed) in ${Math.round(openMs)} ms`,
    )
    const held = await server.stats()
    const probes: number[] = []
    for (let i = 0; i < PROBES && !signal.aborted; i += 1) {
      const started = performance.now()
      const client = await FerryClient.connect({
        host: '127.0.0.1',
        port: server.port,
        connectTimeoutMs: 10_000,
      })
      await client.ping()
      probes.push(performance.now() - started)
      await client.close()
    }
    if (probes.length === 0) throw new FerryError('TIMEOUT', 'capacity phase ran out of time before probing')
    probes.sort((a, b) => a - b)
    return {
      requested: options.connections,
      held: held.clients,
      failed,
      openMs: Math.round(openMs),
      baseRss,
      rssHeld: held.rss,
      newClientMs: {
        samples: probes.length,
        p50: round(probes[Math.floor(probes.length / 2)] ?? 0),
        max: round(probes[probes.length - 1] ?? 0),
      },
    }
  } finally {
    for (const s of sockets) s.destroy()
    await server.stop()
    await rm(root, { recursive: true, force: true })
  }
}

const round = (n: number): number => Math.round(n * 100) / 100
