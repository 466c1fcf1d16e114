// Shared set-up for the client tests: a per-test temp folder, a scripted fake server or a real FerryServer, and
// every client a test opens closed again afterwards. Each set-up registers its own vitest hooks, so a test file
// calls it once at the top level.
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, expect } from 'vitest'
import { FerryError } from '../protocol/error-codes'
import { FerryServer, type ServerOptions } from '../server'
import { FerryClient } from './ferry-client'
import { startFakeServer, type FakeServer, type Script } from './test-server'

type ConnectExtra = { token?: string; connectTimeoutMs?: number }

/** The code of the FerryError `promise` must reject with (fails the test if it resolves or rejects otherwise). */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(FerryError)
  return (err as FerryError).code
}

/** Closes every tracked client after each test. */
function trackClients(): { track: (client: FerryClient) => FerryClient; closeAll: () => Promise<void> } {
  const clients: FerryClient[] = []
  return {
    track: (client) => {
      clients.push(client)
      return client
    },
    closeAll: async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()))
    },
  }
}

export interface FakeServerFixture {
  /** The current test's temp folder ('' when no prefix was given). */
  readonly dir: string
  /** The fake server of the current test, once started. */
  readonly server: FakeServer | null
  /** Starts the fake server running `script`; returns its port. */
  serve(script: Script): Promise<number>
  /** Connects a client that is closed after the test. */
  connect(port: number, extra?: ConnectExtra): Promise<FerryClient>
  /** serve() then connect(). */
  clientFor(script: Script): Promise<FerryClient>
}

/**
 * A scripted fake server per test (its script errors fail the test) and, given `tempPrefix`, a temp folder that
 * is removed afterwards.
 */
export function setupFakeServer(tempPrefix?: string): FakeServerFixture {
  let dir = ''
  let server: FakeServer | null = null
  const clients = trackClients()

  if (tempPrefix !== undefined) {
    beforeEach(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), tempPrefix))
    })
  }

  afterEach(async () => {
    await clients.closeAll()
    const s = server
    server = null
    if (s) {
      await s.close()
      expect(s.errors).toEqual([])
    }
    if (dir) await fs.rm(dir, { recursive: true, force: true })
    dir = ''
  })

  const fixture: FakeServerFixture = {
    get dir() {
      return dir
    },
    get server() {
      return server
    },
    async serve(script) {
      server = await startFakeServer(script)
      return server.port
    },
    async connect(port, extra = {}) {
      return clients.track(await FerryClient.connect({ host: '127.0.0.1', port, ...extra }))
    },
    async clientFor(script) {
      return fixture.connect(await fixture.serve(script))
    },
  }
  return fixture
}

export interface RealServerFixture {
  /** The current test's temp folder (real path, so it compares equal to what the server reports). */
  readonly base: string
  /** `base/share`: the server's root (created by the server). */
  readonly share: string
  /** `base/local`: the client side's folder (created empty). */
  readonly local: string
  /** The running server, once started. */
  readonly server: FerryServer | null
  /** Starts a FerryServer over `share` and connects a client (with `options.token`, if any). */
  start(options?: Partial<ServerOptions>): Promise<FerryClient>
  /** Connects another client to the running server. */
  connect(token?: string): Promise<FerryClient>
  /** Closes the server now (a test of what clients see when it goes). */
  stopServer(): Promise<void>
}

/** A temp folder per test with `share` and `local` below it, and a real FerryServer started on demand. */
export function setupRealServer(tempPrefix: string): RealServerFixture {
  let base = ''
  let server: FerryServer | null = null
  const clients = trackClients()

  beforeEach(async () => {
    base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), tempPrefix)))
    await fs.mkdir(path.join(base, 'local'))
  })

  afterEach(async () => {
    await clients.closeAll()
    await server?.close({ graceMs: 0 })
    server = null
    await fs.rm(base, { recursive: true, force: true })
  })

  const fixture: RealServerFixture = {
    get base() {
      return base
    },
    get share() {
      return path.join(base, 'share')
    },
    get local() {
      return path.join(base, 'local')
    },
    get server() {
      return server
    },
    async start(options = {}) {
      server = await FerryServer.start({ root: fixture.share, ...options })
      return fixture.connect(options.token)
    },
    async connect(token) {
      if (!server) throw new Error('start() the server first')
      const { port } = server.address()
      return clients.track(
        await FerryClient.connect({ host: '127.0.0.1', port, ...(token ? { token } : {}) }),
      )
    },
    async stopServer() {
      const s = server
      if (!s) throw new Error('no server is running')
      server = null
      await s.close({ graceMs: 0 })
    },
  }
  return fixture
}
