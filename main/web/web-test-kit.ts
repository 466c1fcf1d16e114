// Test kit for the web server: a LocalStore over a temp folder (or a given store), the server on 127.0.0.1 port
// 0, a cookie jar for the login, fetch for ordinary requests and a raw socket for the ones fetch cannot send.
import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { LocalStore, type LocalStoreOptions } from '../store/local/local-store'
import type { ShareStore } from '../store/share-store'
import { startWebServer, type WebServer, type WebServerOptions } from './web-server'

export interface WebFixture {
  dir: string
  store: ShareStore
  web: WebServer
  base: string
  logs: string[]
  cookie: string
  /** Resolves with the first log line, from now on, that matches. */
  nextLog(pattern: RegExp): Promise<string>
  login(token: string): Promise<Response>
  api(
    method: string,
    target: string,
    init?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>
  close(): Promise<void>
}

export async function startWebFixture(
  options: Partial<Omit<WebServerOptions, 'store'>> & { store?: ShareStore; local?: LocalStoreOptions } = {},
): Promise<WebFixture> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ferry-web-'))
  const store = options.store ?? (await LocalStore.open(dir, options.local))
  const logs: string[] = []
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = []
  const log = (level: string, m: string): void => {
    const line = `${level}: ${m}`
    logs.push(line)
    for (const w of waiters.splice(0)) {
      if (w.pattern.test(line)) w.resolve(line)
      else waiters.push(w)
    }
  }
  const { local: _local, ...webOptions } = options
  const web = await startWebServer({ ...webOptions, store, log })
  const base = web.url.replace(/\/$/, '')
  const fixture: WebFixture = {
    dir,
    store,
    web,
    base,
    logs,
    cookie: '',
    nextLog: (pattern) => new Promise((resolve) => waiters.push({ pattern, resolve })),
    async login(token) {
      const res = await fetch(`${base}/api/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Ferry-Request': '1' },
        body: JSON.stringify({ token }),
      })
      const set = res.headers.get('set-cookie')
      if (res.ok && set) fixture.cookie = set.split(';')[0] ?? ''
      return res
    },
    api(this: WebFixture, method, target, init = {}) {
      const headers: Record<string, string> = { 'X-Ferry-Request': '1', ...init.headers }
      if (this.cookie) headers['Cookie'] = this.cookie
      let body: RequestInit['body']
      if (init.body instanceof Uint8Array) body = init.body
      else if (init.body !== undefined) {
        body = JSON.stringify(init.body)
        headers['Content-Type'] = 'application/json'
      }
      return fetch(`${this.base}${target}`, { method, headers, ...(body !== undefined ? { body } : {}) })
    },
    async close() {
      await web.close()
      await store.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
  return fixture
}

/** Sends raw bytes and resolves everything the server answered until it closed (or `ms` passed). */
export function rawExchange(port: number, request: string | Buffer, ms = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    const timer = setTimeout(() => socket.end(), ms)
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('error', reject)
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(Buffer.concat(chunks).toString('latin1'))
    })
    socket.write(request)
  })
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}
