// Shared setup for the fault suites: a real FerryServer over a mkdtemp share, helpers to see what a user would
// see in the share (the hidden .ferry folder excluded) and to assert the server still serves.
import { promises as fsp } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect } from 'vitest'
import { FerryClient } from '../client'
import { FerryError } from '../protocol/error-codes'
import { RESERVED_PREFIX } from '../protocol/limits'
import { FerryServer, type ServerOptions } from '../server'
import { pattern, sha256 } from './test-bytes'

export async function tempDir(prefix = 'ferry-fault-'): Promise<string> {
  return fsp.realpath(await fsp.mkdtemp(path.join(os.tmpdir(), prefix)))
}

export { pattern, sha256 }

/** What the share shows: relative path -> sha256 of files ('dir' for folders), the server's own folder excluded. */
export async function visible(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  const walk = async (rel: string): Promise<void> => {
    for (const d of await fsp.readdir(path.join(root, rel), { withFileTypes: true })) {
      if (rel === '' && d.name.toLowerCase().startsWith(RESERVED_PREFIX)) continue
      const child = rel ? `${rel}/${d.name}` : d.name
      if (d.isDirectory()) {
        out[child] = 'dir'
        await walk(child)
      } else out[child] = sha256(await fsp.readFile(path.join(root, child)))
    }
  }
  await walk('')
  return out
}

export interface Share {
  server: FerryServer
  root: string
  port: number
  stop(): Promise<void>
}

export async function startShare(options: Partial<ServerOptions> = {}): Promise<Share> {
  const base = await tempDir('ferry-share-')
  const server = await FerryServer.start({ root: path.join(base, 'share'), ...options })
  return {
    server,
    root: server.root,
    port: server.address().port,
    async stop() {
      await server.close({ graceMs: 0 })
      await fsp.rm(base, { recursive: true, force: true })
    },
  }
}

/** The server still answers a fresh client: PING, LIST and a small round trip. */
export async function expectServing(port: number, token?: string): Promise<void> {
  const client = await FerryClient.connect({ host: '127.0.0.1', port, ...(token ? { token } : {}) })
  try {
    await client.ping()
    await client.list('')
    const probe = pattern(1000, 99)
    await client.putBuffer('serving-probe.bin', probe, { mode: 'overwrite' })
    expect(sha256(await client.getBuffer('serving-probe.bin'))).toBe(sha256(probe))
    await client.delete('serving-probe.bin')
  } finally {
    await client.close()
  }
}

/** Resolves to the FerryError a promise rejected with (fails the test if it resolved or threw something else). */
export async function rejection(promise: Promise<unknown>): Promise<FerryError> {
  const outcome = await promise.then(
    (value) => ({ ok: true as const, value }),
    (err: unknown) => ({ ok: false as const, err }),
  )
  if (outcome.ok) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)?.slice(0, 200)}`)
  expect(outcome.err).toBeInstanceOf(FerryError)
  return outcome.err as FerryError
}
