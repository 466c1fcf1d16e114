// Two Ferry server processes over one share (a folder, or an S3 bucket on the test store) behind a real haproxy,
// for multi-server tests: start them, see which server carries a transfer, kill one, and measure what the share
// has staged (the bytes a resume on the other server can start from).
import { type ChildProcess, spawn } from 'node:child_process'
import { EventEmitter, once } from 'node:events'
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3'
import { FerryClient } from '../client'
import type { TransferEvent } from '../server'
import { createTestBucket, type TestBucket } from '../store/s3/s3-test-kit'
import { startHaproxy, type Haproxy } from './haproxy-kit'
import { tempDir } from './harness'

const CHILD = fileURLToPath(new URL('./store-server-child.ts', import.meta.url))

export type ShareKind = 'local' | 's3'

export interface ServerChild {
  /** What HELLO says: 'a' or 'b', also the server's name in haproxy. */
  name: string
  port: number
  process: ChildProcess
  /** Resolves with the first transfer event (from now on) that satisfies the predicate. */
  transfer(match: (e: TransferEvent) => boolean): Promise<TransferEvent>
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>
}

export interface Cluster {
  kind: ShareKind
  servers: ServerChild[]
  haproxy: Haproxy
  /** A scratch folder for the test's local files. */
  scratch: string
  /** A client through haproxy. */
  connect(): Promise<FerryClient>
  /** Bytes of unfinished uploads the share holds: a resume on any server continues from (at most) these. */
  stagedBytes(): Promise<number>
  stop(): Promise<void>
}

export async function startCluster(kind: ShareKind): Promise<Cluster> {
  const base = await tempDir('ferry-multi-')
  const scratch = path.join(base, 'local')
  const root = path.join(base, 'share')
  await fsp.mkdir(scratch)
  await fsp.mkdir(root)
  const bucket = kind === 's3' ? await createTestBucket() : null
  const clients: FerryClient[] = []
  const servers: ServerChild[] = []
  let haproxy: Haproxy | null = null
  const stop = async (): Promise<void> => {
    await Promise.all(clients.splice(0).map((c) => c.close()))
    await haproxy?.stop()
    await Promise.all(servers.map((s) => s.kill()))
    await bucket?.cleanup()
    await fsp.rm(base, { recursive: true, force: true })
  }
  try {
    const args = kind === 'local' ? ['local', root] : ['s3']
    const env = bucket ? { ...process.env, FERRY_S3_BUCKET: bucket.bucket } : process.env
    servers.push(...(await Promise.all(['a', 'b'].map((name) => startServer(name, args, env)))))
    haproxy = await startHaproxy(base, servers)
  } catch (err: unknown) {
    await stop()
    throw err
  }
  const proxy = haproxy
  return {
    kind,
    servers,
    haproxy: proxy,
    scratch,
    async connect() {
      const client = await FerryClient.connect({ host: '127.0.0.1', port: proxy.port })
      clients.push(client)
      return client
    },
    stagedBytes: () => (bucket ? s3StagedBytes(bucket) : localStagedBytes(root)),
    stop,
  }
}

async function startServer(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<ServerChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, name, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  })
  const events = new EventEmitter<{ transfer: [TransferEvent] }>()
  const lines = createInterface({ input: child.stdout! })
  const port = new Promise<number>((resolve, reject) => {
    child.once('exit', (code, signal) =>
      reject(new Error(`server ${name} exited (${signal ?? code}) at start`)),
    )
    lines.on('line', (line) => {
      const message = JSON.parse(line) as { port?: number; transfer?: TransferEvent }
      if (message.port !== undefined) resolve(message.port)
      if (message.transfer) events.emit('transfer', message.transfer)
    })
  })
  const kill = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const gone = once(child, 'exit')
    child.kill('SIGKILL')
    await gone
  }
  try {
    return {
      name,
      port: await port,
      process: child,
      kill,
      transfer: (match) =>
        new Promise((resolve) => {
          const listener = (e: TransferEvent): void => {
            if (!match(e)) return
            events.off('transfer', listener)
            resolve(e)
          }
          events.on('transfer', listener)
        }),
    }
  } catch (err: unknown) {
    await kill()
    throw err
  }
}

/** Partial files of the folder share (.ferry/partial and .ferry/tmp). */
async function localStagedBytes(root: string): Promise<number> {
  let total = 0
  const entries = await fsp.readdir(path.join(root, '.ferry'), { withFileTypes: true, recursive: true })
  for (const entry of entries) {
    if (entry.isFile()) total += (await fsp.stat(path.join(entry.parentPath, entry.name))).size
  }
  return total
}

/**
 * Parts the staged-upload records (.ferry/staged/ID.json, s3-staged-record.ts) claim: a record is written only
 * after its part is stored, so this is what another server can resume from.
 */
async function s3StagedBytes(bucket: TestBucket): Promise<number> {
  const page = await bucket.client.send(
    new ListObjectsV2Command({ Bucket: bucket.bucket, Prefix: '.ferry/staged/' }),
  )
  let total = 0
  for (const object of page.Contents ?? []) {
    if (!object.Key?.endsWith('.json')) continue
    const got = await bucket.client.send(new GetObjectCommand({ Bucket: bucket.bucket, Key: object.Key }))
    const record = JSON.parse((await got.Body?.transformToString('utf8')) ?? '{}') as {
      parts?: Array<{ size: number }>
    }
    for (const part of record.parts ?? []) total += part.size
  }
  return total
}

/** Resolves once `probe()` reaches `atLeast` (re-read every 50 ms: neither store announces staged bytes). */
export async function waitUntil(
  probe: () => Promise<number>,
  atLeast: number,
  timeoutMs = 20_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value >= atLeast) return value
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${atLeast}, last saw ${value}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
