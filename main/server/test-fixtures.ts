// Shared setup for the server's socket tests: a FerryServer on 127.0.0.1 port 0 over a fresh mkdtemp share.
import { createHash } from 'node:crypto'
import { promises as fsp } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { FerryServer, type ServerOptions } from './ferry-server'
import { TestPeer } from './test-peer'

export interface TestServer {
  server: FerryServer
  /** Real path of the share root. */
  root: string
  /** Temp folder holding the root (and room for outside-the-share fixtures). */
  base: string
  port: number
  /** Connects a raw peer and reads its HELLO. */
  peer(): Promise<TestPeer>
  stop(): Promise<void>
}

export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const base = await fsp.realpath(await fsp.mkdtemp(path.join(os.tmpdir(), 'ferry-server-')))
  const root = path.join(base, 'share')
  const server = await FerryServer.start({ root, ...options })
  const port = server.address().port
  const peers: TestPeer[] = []
  return {
    server,
    root: server.root,
    base,
    port,
    async peer() {
      const { peer } = await TestPeer.open(port)
      peers.push(peer)
      return peer
    },
    async stop() {
      await Promise.all(peers.map((p) => p.destroy()))
      await server.close({ graceMs: 0 })
      await fsp.rm(base, { recursive: true, force: true })
    },
  }
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

/** Lists everything under a folder (relative paths, sorted), to assert what is visible in the share. */
export async function tree(dir: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (rel: string): Promise<void> => {
    for (const d of await fsp.readdir(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${d.name}` : d.name
      out.push(child)
      if (d.isDirectory()) await walk(child)
    }
  }
  await walk('')
  return out.sort()
}
