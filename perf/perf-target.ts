// Where a perf run sends its load, and the files it needs there. 'local' starts a FerryServer on 127.0.0.1 in a
// fresh temp folder seeded on disk; a remote target gets its files uploaded into a uniquely named folder that is
// deleted afterwards. GET needs files of the requested size; POST needs a folder to write into.
import { randomBytes, randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { FerryClient } from '../main/client'
import { DEFAULT_MAX_CONNECTIONS, FerryServer } from '../main/server'
import { ferryConnectOptions, type LoadTarget, type PerfMix } from './load-spec'

export interface PreparedTarget {
  target: LoadTarget
  getPaths: string[]
  postDir: string
  /** The local server, when there is one (its thread is the caller's: its CPU shows up there). */
  server: FerryServer | null
  cleanup(): Promise<void>
}

const SEED_BLOCK = 1024 * 1024

/** Several small seed files spread the reads; one is enough (and all that fits) when they are large. */
export function seedFileCount(sizeBytes: number): number {
  return sizeBytes > 64 * 1024 * 1024 ? 1 : 8
}

export async function writeSeedFile(path: string, sizeBytes: number): Promise<void> {
  const block = randomBytes(Math.min(SEED_BLOCK, Math.max(1, sizeBytes)))
  const out = createWriteStream(path)
  const closed = once(out, 'close')
  let left = sizeBytes
  while (left > 0) {
    const n = Math.min(left, block.length)
    left -= n
    if (!out.write(n === block.length ? block : block.subarray(0, n))) await once(out, 'drain')
  }
  out.end()
  await closed
}

/** `clients`: the most clients a step will open; they all come from 127.0.0.1, so the per-address cap must fit. */
export async function prepareLocalTarget(
  sizeBytes: number,
  mix: PerfMix,
  clients: number,
): Promise<PreparedTarget> {
  const root = await mkdtemp(join(tmpdir(), 'ferry-perf-'))
  try {
    await mkdir(join(root, 'perf', 'post'), { recursive: true })
    const getPaths: string[] = []
    if (mix !== 'post') {
      for (let i = 0; i < seedFileCount(sizeBytes); i += 1) {
        await writeSeedFile(join(root, 'perf', `get-${i}.bin`), sizeBytes)
        getPaths.push(`perf/get-${i}.bin`)
      }
    }
    const server = await FerryServer.start({
      root,
      host: '127.0.0.1',
      port: 0,
      maxConnectionsPerAddress: clients + 16,
      maxConnections: Math.max(clients + 16, DEFAULT_MAX_CONNECTIONS),
    })
    const { port } = server.address()
    return {
      target: { host: '127.0.0.1', port },
      getPaths,
      postDir: 'perf/post',
      server,
      async cleanup() {
        try {
          await server.close({ graceMs: 0 })
        } finally {
          await rm(root, { recursive: true, force: true })
        }
      },
    }
  } catch (e: unknown) {
    await rm(root, { recursive: true, force: true })
    throw e
  }
}

export async function prepareRemoteTarget(
  target: LoadTarget,
  sizeBytes: number,
  mix: PerfMix,
): Promise<PreparedTarget> {
  const dir = `ferry-perf-${randomUUID().slice(0, 8)}`
  const connectSetup = (): Promise<FerryClient> =>
    FerryClient.connect({ ...ferryConnectOptions(target), connectTimeoutMs: 10_000 })
  const removeDir = async (): Promise<void> => {
    const client = await connectSetup()
    try {
      await client.delete(dir, { recursive: true })
    } finally {
      await client.close()
    }
  }
  // The setup connection is closed before the load starts: servers cap connections per address, and the run's
  // own clients should get every slot.
  const client = await connectSetup()
  const getPaths: string[] = []
  try {
    await client.mkdir(`${dir}/post`, { parents: true })
    if (mix !== 'post') {
      const data = randomBytes(sizeBytes)
      for (let i = 0; i < seedFileCount(sizeBytes); i += 1) {
        const done = await client.putBuffer(`${dir}/get-${i}.bin`, data, { mode: 'overwrite' })
        getPaths.push(done.path)
      }
    }
  } catch (e: unknown) {
    await client.delete(dir, { recursive: true }).catch(() => undefined)
    throw e
  } finally {
    await client.close()
  }
  return { target, getPaths, postDir: `${dir}/post`, server: null, cleanup: removeDir }
}
