// Runs one benchmark server in its own process, so its RSS and CPU (and a --cpu-prof profile) are its own.
// Started by server-process.ts with the mode and options in argv; talks over the IPC channel:
//   child -> parent: { type: 'listening', port } once listening, { type: 'stats', ... } when asked
//   parent -> child: { type: 'stats' }, { type: 'reset-peak' }, { type: 'stop' }
import type { Server } from 'node:net'
import { FerryServer } from '../../main/server'
import type { ServerOptions } from '../../main/server'
import { s3OptionsFromEnv } from '../../main/store/s3/s3-config'
import { S3Store } from '../../main/store/s3/s3-store'
import { createRawEchoServer } from '../raw-echo'
import { createRawBulkServer } from './raw-bulk'
import type { ChildReply, ChildRequest, ChildSpec } from './server-process'

const PEAK_SAMPLE_MS = 20

const spec = JSON.parse(process.argv[2] ?? '{}') as ChildSpec
const send = (message: ChildReply): void => {
  process.send?.(message)
}

let peakRss = process.memoryUsage.rss()
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss())
}, PEAK_SAMPLE_MS)

async function listenRaw(
  server: Server,
): Promise<{ port: number; clients: () => number; close: () => Promise<void> }> {
  let connections = 0
  server.on('connection', (socket) => {
    connections += 1
    socket.once('close', () => (connections -= 1))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, resolve)
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    port,
    clients: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
      }),
  }
}

async function start(): Promise<{ port: number; clients: () => number; close: () => Promise<void> }> {
  if (spec.mode === 'ferry') {
    const options: ServerOptions = { root: spec.root ?? '', host: '127.0.0.1', port: 0, ...spec.ferry }
    if (spec.s3Bucket) options.store = new S3Store(s3OptionsFromEnv(process.env, { bucket: spec.s3Bucket }))
    const server = await FerryServer.start(options)
    // Warnings explain odd numbers (e.g. the server leaving its fast synchronous path); info lines would flood.
    server.on('log', (e) => {
      if (e.level !== 'info') process.stderr.write(`[${spec.mode} server] ${e.level}: ${e.message}\n`)
    })
    return {
      port: server.address().port,
      clients: () => server.clients().length,
      close: () => server.close({ graceMs: 0 }),
    }
  }
  const raw = spec.mode === 'raw-echo' ? createRawEchoServer() : createRawBulkServer({ dir: spec.root })
  return listenRaw(raw)
}

start().then(
  (server) => {
    process.on('message', (message: ChildRequest) => {
      if (message.type === 'stats') {
        const usage = process.resourceUsage()
        send({
          type: 'stats',
          rss: process.memoryUsage.rss(),
          peakRss: Math.max(peakRss, process.memoryUsage.rss()),
          heapUsed: process.memoryUsage().heapUsed,
          cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
          clients: server.clients(),
        })
      } else if (message.type === 'reset-peak') {
        peakRss = process.memoryUsage.rss()
        send({ type: 'peak-reset' })
      } else if (message.type === 'stop') {
        clearInterval(sampler)
        // A normal exit is what lets --cpu-prof write its profile.
        void server.close().finally(() => process.exit(0))
      }
    })
    send({ type: 'listening', port: server.port })
  },
  (e: unknown) => {
    process.stderr.write(`bench server failed to start: ${e instanceof Error ? e.message : String(e)}\n`)
    process.exit(1)
  },
)
