// What is particular to LocalStore's staged writes (the shared behaviour is in the conformance suite): a second
// writer of a live upload gets a private file, a resume waits for the holder to let go, the sweep spares what is
// in use, and putFiles places a set of files with per-file outcomes.
import { promises as fsp, utimesSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { pattern, sha256 } from '../../testing/test-bytes'
import { LocalStore } from './local-store'

let dir = ''
let store: LocalStore
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'ferry-local-staging-'))
  store = await LocalStore.open(dir, { resumeWaitMs: 60_000 })
})
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

const inside = (sub: 'partial' | 'tmp'): Promise<string[]> => fsp.readdir(path.join(dir, '.ferry', sub))

it('gives a second writer of a live upload a private file, and a resume waits for the holder', async () => {
  const data = pattern(10_000, 1)
  const first = await store.stage('a.bin', { size: data.length, key: 'k' })
  await first.write(data.subarray(0, 4000))
  const second = await store.stage('a.bin', { size: data.length, key: 'k' })
  expect(await inside('tmp')).toHaveLength(1)
  await second.abandon()
  expect(await inside('tmp')).toEqual([]) // a private file cannot be resumed: gone when abandoned

  let onWait!: () => void
  const waiting = new Promise<void>((resolve) => (onWait = resolve))
  const resuming = store.stage('a.bin', { size: data.length, key: 'k', resume: true, onWait })
  await waiting // the resume holds on while the first writer is live ...
  await first.abandon() // ... and takes over what it wrote once it lets go
  const resumed = await resuming
  expect(resumed.offset).toBe(4000)
  expect(resumed.prefixSha256).toBe(sha256(data.subarray(0, 4000)))
  await resumed.write(data.subarray(4000))
  expect((await resumed.commit(sha256(data), 'fail')).path).toBe('a.bin')
  expect(await fsp.readFile(path.join(dir, 'a.bin'))).toEqual(data)
  expect(await inside('partial')).toEqual([])
})

it('an unresumable upload is staged privately and never meets a resumable one', async () => {
  const data = pattern(100, 2)
  const once = await store.stage('b.bin', { size: data.length, key: 'k', resumable: false })
  await once.write(data)
  expect(await inside('partial')).toEqual([])
  expect(await inside('tmp')).toHaveLength(1)
  await once.commit(sha256(data), 'overwrite')
  expect(await inside('tmp')).toEqual([])
})

it('sweeps staged uploads untouched for the given time, but not those in use', async () => {
  const old = await store.stage('c.bin', { size: 100, key: 'old' })
  await old.write(pattern(50, 3))
  await old.abandon()
  const live = await store.stage('d.bin', { size: 100, key: 'live' })
  await live.write(pattern(50, 4))
  const hourAgo = new Date(Date.now() - 3_600_000)
  for (const name of await inside('partial'))
    utimesSync(path.join(dir, '.ferry', 'partial', name), hourAgo, hourAgo)
  expect(await store.sweep(60_000)).toEqual({ stagedRemoved: 1 })
  expect(await inside('partial')).toHaveLength(1)
  await live.abandon({ discard: true })
  expect(await inside('partial')).toEqual([])
  expect(await store.sweep(0)).toEqual({ stagedRemoved: 0 })
})

it('putFiles places each file on its own, skips identical ones and admits bytes through the caller', async () => {
  await fsp.mkdir(path.join(dir, 'sub'))
  await fsp.writeFile(path.join(dir, 'same.txt'), 'same')
  await fsp.writeFile(path.join(dir, 'taken.txt'), 'old')
  const file = (p: string, text: string) => ({
    path: p,
    data: Buffer.from(text),
    sha256: sha256(Buffer.from(text)),
  })
  const admitted: number[] = []
  const results = await store.putFiles(
    [file('sub/new.txt', 'new'), file('same.txt', 'same'), file('taken.txt', 'other'), file('nodir/x', 'x')],
    {
      mode: 'fail',
      skipIdentical: true,
      admit: (bytes) => {
        admitted.push(bytes)
        return Promise.resolve()
      },
    },
  )
  expect(results.map((r) => (r.ok ? (r.existed ? 'existed' : r.path) : r.error.code))).toEqual([
    'sub/new.txt',
    'existed',
    'EXISTS',
    'NOT_FOUND',
  ])
  expect(admitted).toEqual([3]) // only what is written counts
  expect(await fsp.readFile(path.join(dir, 'sub', 'new.txt'), 'utf8')).toBe('new')
  expect(await fsp.readFile(path.join(dir, 'taken.txt'), 'utf8')).toBe('old')
  expect(await inside('tmp')).toEqual([])
})
