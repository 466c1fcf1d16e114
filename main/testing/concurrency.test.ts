// Racing writers and readers on one name: the share only ever shows a whole file, a reader gets the old or the
// new version whole, and no upload's bytes mix with another's.
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FerryClient } from '../client'
import { FaultProxy } from './fault-proxy'
import { pattern, rejection, sha256, startShare, tempDir, visible, type Share } from './harness'

const A = pattern(1_200_000, 11)
const B = pattern(1_300_000, 12)
const C = pattern(1_100_000, 13)

let share: Share
let local: string
const clients: FerryClient[] = []
const proxies: FaultProxy[] = []

beforeEach(async () => {
  share = await startShare()
  local = await tempDir('ferry-local-')
  await fsp.writeFile(path.join(local, 'b.bin'), B)
  await fsp.writeFile(path.join(local, 'c.bin'), C)
})

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
  await Promise.all(proxies.splice(0).map((p) => p.close()))
  await share.stop()
  await fsp.rm(local, { recursive: true, force: true })
})

async function client(port = share.port): Promise<FerryClient> {
  const c = await FerryClient.connect({ host: '127.0.0.1', port })
  clients.push(c)
  return c
}

async function paused(
  direction: 'up' | 'down',
  afterBytes: number,
): Promise<{ proxy: FaultProxy; c: FerryClient }> {
  const proxy = await FaultProxy.start({
    target: { host: '127.0.0.1', port: share.port },
    mode: { kind: 'pause', afterBytes, direction },
  })
  proxies.push(proxy)
  return { proxy, c: await client(proxy.port) }
}

describe('two uploads to the same name at once', () => {
  it('overwrite: both finish and the file is one of them, whole', async () => {
    const [one, two] = await Promise.all([client(), client()])
    const results = await Promise.allSettled([
      one.upload(path.join(local, 'b.bin'), 'x.bin', { mode: 'overwrite' }),
      two.upload(path.join(local, 'c.bin'), 'x.bin', { mode: 'overwrite' }),
    ])
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(1)
    const shown = (await visible(share.root))['x.bin']
    expect([sha256(B), sha256(C)]).toContain(shown)
    expect(Object.keys(await visible(share.root))).toEqual(['x.bin'])
  })

  it('fail: exactly one wins, the other gets EXISTS', async () => {
    const [one, two] = await Promise.all([client(), client()])
    const results = await Promise.allSettled([
      one.upload(path.join(local, 'b.bin'), 'x.bin', { mode: 'fail' }),
      two.upload(path.join(local, 'c.bin'), 'x.bin', { mode: 'fail' }),
    ])
    const won = results.findIndex((r) => r.status === 'fulfilled')
    const lost = results.find((r) => r.status === 'rejected')
    expect(won).toBeGreaterThanOrEqual(0)
    expect((lost as PromiseRejectedResult).reason).toMatchObject({ code: 'EXISTS' })
    expect(await visible(share.root)).toEqual({ 'x.bin': sha256(won === 0 ? B : C) })
  })

  it('rename: both are kept under distinct names', async () => {
    const [one, two] = await Promise.all([client(), client()])
    const [r1, r2] = await Promise.all([
      one.upload(path.join(local, 'b.bin'), 'x.bin', { mode: 'rename' }),
      two.upload(path.join(local, 'c.bin'), 'x.bin', { mode: 'rename' }),
    ])
    expect(new Set([r1.path, r2.path])).toEqual(new Set(['x.bin', 'x (2).bin']))
    const shown = await visible(share.root)
    expect(shown[r1.path]).toBe(sha256(B))
    expect(shown[r2.path]).toBe(sha256(C))
  })
})

describe('a reader during an overwrite', () => {
  beforeEach(async () => {
    await fsp.writeFile(path.join(share.root, 'x.bin'), A)
  })

  it('a download in flight keeps getting the old file whole; the next one gets the new', async () => {
    const { proxy, c: reader } = await paused('down', 300_000)
    const stopped = proxy.nextFault()
    const download = reader.download('x.bin', path.join(local, 'got.bin'), { retries: 0 })
    await stopped
    const writer = await client()
    await writer.upload(path.join(local, 'b.bin'), 'x.bin', { mode: 'overwrite' })
    proxy.release()
    expect((await download).sha256).toBe(sha256(A))
    expect(sha256(await fsp.readFile(path.join(local, 'got.bin')))).toBe(sha256(A))
    expect(sha256(await writer.getBuffer('x.bin'))).toBe(sha256(B))
  })

  it('an upload in flight is invisible to readers until it is complete', async () => {
    const { proxy, c: writer } = await paused('up', 500_000)
    const stopped = proxy.nextFault()
    const upload = writer.upload(path.join(local, 'b.bin'), 'x.bin', { mode: 'overwrite' })
    await stopped
    const reader = await client()
    expect(sha256(await reader.getBuffer('x.bin'))).toBe(sha256(A))
    expect(await visible(share.root)).toEqual({ 'x.bin': sha256(A) })
    proxy.release()
    await upload
    expect(sha256(await reader.getBuffer('x.bin'))).toBe(sha256(B))
  })

  it('a delete during a download does not corrupt what the reader gets', async () => {
    const { proxy, c: reader } = await paused('down', 200_000)
    const stopped = proxy.nextFault()
    const download = reader.getBuffer('x.bin')
    await stopped
    await (await client()).delete('x.bin')
    proxy.release()
    expect(sha256(await download)).toBe(sha256(A))
    expect((await rejection((await client()).stat('x.bin'))).code).toBe('NOT_FOUND')
  })
})
