// kill -9 of the server process mid-upload, then a restart on the same share: the old file is intact, nothing
// partial is visible, and the upload resumes from what the killed process had written and verifies.
import { type ChildProcess, spawn } from 'node:child_process'
import { EventEmitter, once } from 'node:events'
import { promises as fsp, watch } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterEach, expect, it } from 'vitest'
import { FerryClient } from '../client'
import type { TransferEvent } from '../server'
import { FaultProxy } from './fault-proxy'
import { pattern, rejection, sha256, tempDir, visible } from './harness'

const CHILD = fileURLToPath(new URL('./server-child.ts', import.meta.url))
const children: ChildProcess[] = []
const cleanups: Array<() => Promise<void>> = []

afterEach(async () => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  for (const c of cleanups.splice(0).reverse()) await c()
})

interface Child {
  child: ChildProcess
  port: number
  /** Resolves with the first transfer event that satisfies the predicate. */
  transfer(match: (e: TransferEvent) => boolean): Promise<TransferEvent>
}

async function startChild(root: string): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, root], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  children.push(child)
  const lines = createInterface({ input: child.stdout! })
  const events = new EventEmitter<{ transfer: [TransferEvent] }>()
  const port = new Promise<number>((resolve, reject) => {
    child.once('exit', () => reject(new Error('server child exited before listening')))
    lines.on('line', (line) => {
      const message = JSON.parse(line) as { port?: number; transfer?: TransferEvent }
      if (message.port !== undefined) resolve(message.port)
      if (message.transfer) events.emit('transfer', message.transfer)
    })
  })
  return {
    child,
    port: await port,
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
}

/** Resolves once the partial files hold at least minBytes, re-checking on every change event of their folder. */
async function partialGrows(root: string, minBytes: number): Promise<void> {
  const watcher = watch(path.join(root, '.ferry', 'partial'))
  let changes = 0
  let wake: (() => void) | null = null
  watcher.on('change', () => {
    changes++
    wake?.()
  })
  try {
    for (;;) {
      const seen = changes
      if ((await partialBytes(root)) >= minBytes) return
      if (changes === seen) await new Promise<void>((resolve) => (wake = resolve))
    }
  } finally {
    watcher.close()
  }
}

async function partialBytes(root: string): Promise<number> {
  let total = 0
  for (const entry of await fsp.readdir(path.join(root, '.ferry'), {
    withFileTypes: true,
    recursive: true,
  })) {
    if (entry.isFile()) total += (await fsp.stat(path.join(entry.parentPath, entry.name))).size
  }
  return total
}

it('survives kill -9 mid-upload and resumes after a restart', async () => {
  const base = await tempDir('ferry-kill-')
  cleanups.push(() => fsp.rm(base, { recursive: true, force: true }))
  const root = path.join(base, 'share')
  await fsp.mkdir(root)
  const OLD = pattern(50_000, 1)
  const NEW = pattern(3_000_000, 2)
  await fsp.writeFile(path.join(root, 'data.bin'), OLD)
  await fsp.writeFile(path.join(base, 'new.bin'), NEW)

  const first = await startChild(root)
  const proxy = await FaultProxy.start({
    target: { host: '127.0.0.1', port: first.port },
    mode: { kind: 'pause', afterBytes: 1_000_000, direction: 'up' },
  })
  cleanups.push(() => proxy.close())
  const client = await FerryClient.connect({ host: '127.0.0.1', port: proxy.port })
  cleanups.push(() => client.close())
  const paused = proxy.nextFault()
  const pending = client.upload(path.join(base, 'new.bin'), 'data.bin', { mode: 'overwrite', retries: 0 })
  await paused
  // Wait (on file change events) until the server has written something to resume from.
  await partialGrows(root, 500_000)
  first.child.kill('SIGKILL')
  await once(first.child, 'exit')
  const err = await rejection(pending)
  expect(['CONNECTION_CLOSED', 'CONNECTION_FAILED']).toContain(err.code)
  expect(await visible(root)).toEqual({ 'data.bin': sha256(OLD) })

  const second = await startChild(root)
  const again = await FerryClient.connect({ host: '127.0.0.1', port: second.port })
  cleanups.push(() => again.close())
  expect(sha256(await again.getBuffer('data.bin'))).toBe(sha256(OLD))
  const resumedAt = second.transfer((e) => e.direction === 'upload' && e.state === 'started')
  const result = await again.upload(path.join(base, 'new.bin'), 'data.bin', { mode: 'overwrite' })
  expect((await resumedAt).bytes).toBeGreaterThanOrEqual(500_000)
  expect(result.sha256).toBe(sha256(NEW))
  expect(await visible(root)).toEqual({ 'data.bin': sha256(NEW) })
  expect(await partialBytes(root)).toBe(0)
})
