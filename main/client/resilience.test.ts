// Dropped connections and cancels against the real FerryServer, through a proxy that cuts a connection after a
// given number of bytes: the client must reconnect and resume, never restart, and verify every byte.
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FerryError } from '../protocol/error-codes'
import { FerryServer } from '../server'
import { PART_SUFFIX } from './download'
import { FerryClient } from './ferry-client'
import { startProxy, type ProxyOptions, type TestProxy } from './test-proxy'

const SIZE = 16 * 1024 * 1024
let base = ''
let share = ''
let local = ''
let server: FerryServer | null = null
let proxy: TestProxy | null = null
const clients: FerryClient[] = []

beforeEach(async () => {
  base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'ferry-client-res-')))
  share = path.join(base, 'share')
  local = path.join(base, 'local')
  await fs.mkdir(local)
  server = await FerryServer.start({ root: share })
})

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
  await proxy?.close()
  proxy = null
  await server?.close({ graceMs: 0 })
  server = null
  await fs.rm(base, { recursive: true, force: true })
})

async function viaProxy(options: ProxyOptions): Promise<FerryClient> {
  proxy = await startProxy(server!.address().port, options)
  const client = await FerryClient.connect({ host: '127.0.0.1', port: proxy.port })
  clients.push(client)
  return client
}

async function direct(): Promise<FerryClient> {
  const client = await FerryClient.connect({ host: '127.0.0.1', port: server!.address().port })
  clients.push(client)
  return client
}

function sha(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(FerryError)
  return (err as FerryError).code
}

describe('resume after a dropped connection', () => {
  it('download: reconnects and continues from the bytes it already has', async () => {
    const data = randomBytes(SIZE)
    await fs.mkdir(share, { recursive: true })
    await fs.writeFile(path.join(share, 'big.bin'), data)
    const client = await viaProxy({ cut: { connection: 0, direction: 'down', bytes: 5 * 1024 * 1024 } })
    const target = path.join(local, 'big.bin')
    const result = await client.download('big.bin', target)
    expect(result.sha256).toBe(sha(data))
    expect((await fs.readFile(target)).equals(data)).toBe(true)
    const gets = proxy!.headers.map((h) => h.up.filter((f) => f['op'] === 'GET'))
    expect(gets.length).toBe(2)
    const offset = gets[1]?.[0]?.['offset']
    expect(typeof offset).toBe('number')
    expect(offset as number).toBeGreaterThan(0)
    expect(offset as number).toBeLessThan(SIZE)
  })

  it('upload: reconnects and the server continues from its partial file', async () => {
    const data = randomBytes(SIZE)
    const source = path.join(local, 'big.bin')
    await fs.writeFile(source, data)
    const client = await viaProxy({ cut: { connection: 0, direction: 'up', bytes: 5 * 1024 * 1024 } })
    const result = await client.upload(source, 'big.bin', { resume: false })
    expect(result).toEqual({ path: 'big.bin', size: SIZE, sha256: sha(data) })
    expect((await fs.readFile(path.join(share, 'big.bin'))).equals(data)).toBe(true)
    const ready = proxy!.headers[1]?.down.find((h) => h['ready'] === true)
    expect(ready?.['offset']).toBeGreaterThan(0)
    const put = proxy!.headers[1]?.up.find((h) => h['op'] === 'PUT')
    expect(put?.['resume']).toBe(true)
  })

  it('fails with CONNECTION_CLOSED when retries are disabled, keeping the partial file', async () => {
    const data = randomBytes(SIZE)
    await fs.mkdir(share, { recursive: true })
    await fs.writeFile(path.join(share, 'big.bin'), data)
    const client = await viaProxy({ cut: { connection: 0, direction: 'down', bytes: 5 * 1024 * 1024 } })
    const target = path.join(local, 'big.bin')
    expect(await codeOf(client.download('big.bin', target, { retries: 0 }))).toBe('CONNECTION_CLOSED')
    expect(await fs.readdir(local)).toEqual(['big.bin' + PART_SUFFIX])
    await client.download('big.bin', target)
    expect((await fs.readFile(target)).equals(data)).toBe(true)
  })
})

describe('cancel with an AbortSignal', () => {
  it('download: CANCELLED, nothing visible, a later download resumes', async () => {
    const data = randomBytes(SIZE)
    await fs.mkdir(share, { recursive: true })
    await fs.writeFile(path.join(share, 'big.bin'), data)
    const client = await direct()
    const controller = new AbortController()
    const target = path.join(local, 'big.bin')
    const pending = client.download('big.bin', target, {
      signal: controller.signal,
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.bytes > 1024 * 1024) controller.abort()
      },
    })
    expect(await codeOf(pending)).toBe('CANCELLED')
    expect(await fs.readdir(local)).toEqual(['big.bin' + PART_SUFFIX])
    const partial = (await fs.stat(target + PART_SUFFIX)).size
    expect(partial).toBeGreaterThan(0)
    const resumed: number[] = []
    await client.download('big.bin', target, {
      progressIntervalMs: 0,
      onProgress: (p) => resumed.push(p.bytes),
    })
    expect(resumed[0]).toBeGreaterThanOrEqual(partial)
    expect((await fs.readFile(target)).equals(data)).toBe(true)
  })

  it('upload: CANCELLED, nothing visible on the server, the client still works', async () => {
    const data = randomBytes(SIZE)
    const source = path.join(local, 'big.bin')
    await fs.writeFile(source, data)
    const client = await direct()
    const controller = new AbortController()
    const pending = client.upload(source, 'big.bin', {
      signal: controller.signal,
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.bytes > 1024 * 1024) controller.abort()
      },
    })
    expect(await codeOf(pending)).toBe('CANCELLED')
    expect(await client.list('')).toEqual([])
    await client.upload(source, 'big.bin')
    expect((await client.stat('big.bin')).size).toBe(SIZE)
  })

  it('a signal that is already aborted sends nothing', async () => {
    const client = await viaProxy({})
    const controller = new AbortController()
    controller.abort()
    expect(await codeOf(client.getBuffer('x', { signal: controller.signal }))).toBe('CANCELLED')
    expect(await codeOf(client.download('x', path.join(local, 'x'), { signal: controller.signal }))).toBe(
      'CANCELLED',
    )
    expect(proxy!.headers[0]?.up).toEqual([])
  })
})
