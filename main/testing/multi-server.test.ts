// Several Ferry servers over one share behind a real haproxy (docs/DEPLOY.md): two server processes over the same
// folder, and over the same S3 bucket when a test store is configured. An upload whose server is SIGKILLed
// mid-way resumes through haproxy on the other server and lands byte for byte; two uploads of one name through
// both servers at once leave one whole version; LIST on one server sees what the other just committed.
//
// A FaultProxy sits between the client and haproxy only to hold an upload at a chosen byte (so the kill, or a
// commit race, happens at a known point instead of by timing); every byte still goes through haproxy.
import { randomBytes } from 'node:crypto'
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FerryClient } from '../client'
import { MIN_PART_BYTES } from '../store/s3/s3-context'
import { S3_SKIP_REASON } from '../store/s3/s3-test-kit'
import { FaultProxy, type FaultMode } from './fault-proxy'
import { HAPROXY_SKIP_REASON } from './haproxy-kit'
import { rejection, sha256 } from './harness'
import { startCluster, waitUntil, type Cluster, type ShareKind } from './multi-server-kit'

/** 3.5 parts of S3's minimum part size: three whole parts and a short last one. */
const BIG = 3 * MIN_PART_BYTES + MIN_PART_BYTES / 2
/** Where the first upload is held: past two whole parts, so the store has staged at least one. */
const HOLD_AT = 2 * MIN_PART_BYTES + 64 * 1024

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function cluster(kind: ShareKind): Promise<Cluster> {
  const started = await startCluster(kind)
  cleanups.push(() => started.stop())
  return started
}

/** A client through the FaultProxy in front of haproxy. */
async function heldClient(proxy: FaultProxy): Promise<FerryClient> {
  const client = await FerryClient.connect({ host: '127.0.0.1', port: proxy.port })
  cleanups.push(() => client.close())
  return client
}

/** A FaultProxy in front of haproxy: its connection n gets modes(n). */
async function faultProxy(c: Cluster, modes: (connection: number) => FaultMode): Promise<FaultProxy> {
  const proxy = await FaultProxy.start({ target: { host: '127.0.0.1', port: c.haproxy.port }, mode: modes })
  cleanups.push(() => proxy.close())
  return proxy
}

async function localFile(c: Cluster, name: string, size: number): Promise<{ file: string; sha: string }> {
  const data = randomBytes(size)
  const file = path.join(c.scratch, name)
  await fsp.writeFile(file, data)
  return { file, sha: sha256(data) }
}

/** The file as a fresh client through haproxy downloads it (checked end to end by the client as well). */
async function remoteSha(c: Cluster, remote: string): Promise<string> {
  const client = await c.connect()
  const target = path.join(c.scratch, `check-${randomBytes(4).toString('hex')}`)
  await client.download(remote, target)
  const sha = sha256(await fsp.readFile(target))
  await fsp.rm(target)
  return sha
}

/** Two clients held by `proxy`, one on each server (leastconn sends the second to the idle one). */
async function oneOnEach(c: Cluster, proxy: FaultProxy): Promise<[FerryClient, FerryClient]> {
  const first = await heldClient(proxy)
  const second = await heldClient(proxy)
  expect(new Set([first.hello.server, second.hello.server])).toEqual(new Set(['a', 'b']))
  return [first, second]
}

/** Holds both uploads just before their last bytes, then lets them go together, so both commits race. */
async function race<T>(
  proxy: FaultProxy,
  uploads: () => [Promise<T>, Promise<T>],
): Promise<PromiseSettledResult<T>[]> {
  let held = 0
  const bothHeld = new Promise<void>((resolve) =>
    proxy.on('fault', () => {
      if (++held === 2) resolve()
    }),
  )
  const pending = uploads()
  await bothHeld
  proxy.release()
  return Promise.allSettled(pending)
}

const VARIANTS: Array<{ kind: ShareKind; skip: string | null }> = [
  { kind: 'local', skip: null },
  { kind: 's3', skip: S3_SKIP_REASON },
]

for (const { kind, skip } of VARIANTS) {
  const why = HAPROXY_SKIP_REASON ?? skip
  const title = `two servers over one ${kind === 'local' ? 'folder' : 'S3 bucket'} behind haproxy`
  // Two server processes and haproxy start per test: slow on a loaded 2-core box, hence the longer timeout.
  describe.skipIf(why !== null)(
    why === null ? title : `${title} (skipped: ${why})`,
    { timeout: 180_000 },
    () => {
      it('an upload whose server is killed mid-way resumes on the other server, byte for byte', async () => {
        const c = await cluster(kind)
        const { file, sha } = await localFile(c, 'big.bin', BIG)
        const proxy = await faultProxy(c, (n) =>
          n === 0 ? { kind: 'pause', afterBytes: HOLD_AT, direction: 'up' } : { kind: 'pass' },
        )
        const client = await heldClient(proxy)
        const carrier = c.servers.find((s) => s.name === client.hello.server)!
        const other = c.servers.find((s) => s !== carrier)!
        const held = proxy.nextFault()
        const started = carrier.transfer((e) => e.path === 'big.bin' && e.state === 'started')
        const upload = client.upload(file, 'big.bin', { mode: 'fail', retries: 5 })
        await Promise.all([held, started])
        // What the dead server leaves behind for the other one: at least one whole part.
        const staged = await waitUntil(() => c.stagedBytes(), MIN_PART_BYTES)
        const resumed = other.transfer((e) => e.path === 'big.bin' && e.state === 'started')

        await carrier.kill()
        const result = await upload

        expect(result).toEqual({ path: 'big.bin', size: BIG, sha256: sha })
        expect(client.hello.server).toBe(other.name)
        expect((await resumed).bytes).toBeGreaterThanOrEqual(staged)
        expect(await remoteSha(c, 'big.bin')).toBe(sha)
        expect(await c.stagedBytes()).toBe(0)
        await c.haproxy.waitFor({ [carrier.name]: 'DOWN', [other.name]: 'UP' })
      })

      it("LIST on one server sees the other's upload as soon as it is done", async () => {
        const c = await cluster(kind)
        const proxy = await faultProxy(c, () => ({ kind: 'pass' }))
        const [writer, reader] = await oneOnEach(c, proxy)
        const { file, sha } = await localFile(c, 'new.bin', 2 * MIN_PART_BYTES + 1)
        await writer.upload(file, 'new.bin')
        expect(await reader.list('')).toEqual([
          expect.objectContaining({ name: 'new.bin', type: 'file', size: 2 * MIN_PART_BYTES + 1 }),
        ])
        expect(sha256(await reader.getBuffer('new.bin'))).toBe(sha)
      })

      it("'overwrite': two uploads of one name through both servers at once both succeed, one whole body wins", async () => {
        const c = await cluster(kind)
        const size = 2 * MIN_PART_BYTES + 4096
        const proxy = await faultProxy(c, () => ({ kind: 'pause', afterBytes: size, direction: 'up' }))
        const [one, two] = await oneOnEach(c, proxy)
        const first = await localFile(c, 'one.bin', size)
        const second = await localFile(c, 'two.bin', size)
        const results = await race(proxy, () => [
          one.upload(first.file, 'same.bin', { mode: 'overwrite' }),
          two.upload(second.file, 'same.bin', { mode: 'overwrite' }),
        ])
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled'])
        expect([first.sha, second.sha]).toContain(await remoteSha(c, 'same.bin'))
      })

      it("'fail': of two small uploads of one new name at once, exactly one wins, the other gets EXISTS", async () => {
        const c = await cluster(kind)
        const size = 256 * 1024 // below the part size: one create-only PutObject on S3, exact on every store
        const proxy = await faultProxy(c, () => ({ kind: 'pause', afterBytes: size, direction: 'up' }))
        const [one, two] = await oneOnEach(c, proxy)
        const bodies = [await localFile(c, 'one.bin', size), await localFile(c, 'two.bin', size)]
        const results = await race(proxy, () => [
          one.upload(bodies[0]!.file, 'new.bin', { mode: 'fail' }),
          two.upload(bodies[1]!.file, 'new.bin', { mode: 'fail' }),
        ])
        const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []))
        expect(winners).toHaveLength(1)
        const loser = results.find((r) => r.status === 'rejected')!
        expect(await rejection(Promise.reject(loser.reason))).toMatchObject({ code: 'EXISTS' })
        expect(await remoteSha(c, 'new.bin')).toBe(bodies[winners[0]!]!.sha)
      })

      it("'fail': two multipart uploads of one new name at once leave one whole body (see DEPLOY.md on Ceph)", async () => {
        const c = await cluster(kind)
        const size = 2 * MIN_PART_BYTES + 4096
        const proxy = await faultProxy(c, () => ({ kind: 'pause', afterBytes: size, direction: 'up' }))
        const [one, two] = await oneOnEach(c, proxy)
        const bodies = [await localFile(c, 'one.bin', size), await localFile(c, 'two.bin', size)]
        const results = await race(proxy, () => [
          one.upload(bodies[0]!.file, 'new.bin', { mode: 'fail' }),
          two.upload(bodies[1]!.file, 'new.bin', { mode: 'fail' }),
        ])
        const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []))
        for (const r of results) {
          if (r.status === 'rejected')
            expect(await rejection(Promise.reject(r.reason))).toMatchObject({ code: 'EXISTS' })
        }
        const final = await remoteSha(c, 'new.bin')
        if (kind === 'local') {
          // A hard link is create-only on every POSIX file system: exactly one winner, and its body.
          expect(winners).toHaveLength(1)
          expect(final).toBe(bodies[winners[0]!]!.sha)
        } else {
          // Ceph 16 ignores If-None-Match on the copy that places a multipart upload: when both checks passed
          // before either copy, both uploads report success and the last copy wins, but the object is still whole.
          expect(winners.length).toBeGreaterThanOrEqual(1)
          expect(winners.map((i) => bodies[i]!.sha)).toContain(final)
        }
      })
    },
  )
}
