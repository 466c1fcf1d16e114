import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import type { AddressInfo, Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { createRawBulkServer, rawBulk, SINK_FILE_REMOVED } from './raw-bulk'

const BYTES = 3 * 1024 * 1024 + 123
let dir: string
let server: Server
let port: number

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-raw-bulk-'))
  server = createRawBulkServer({ dir })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await rm(dir, { recursive: true, force: true })
})

/** What the raw server sends ('b' bytes) and what the raw client uploads ('c' bytes). */
const expected = (fill: number): string =>
  createHash('sha256').update(Buffer.alloc(BYTES, fill)).digest('hex')

it('hashes what the receiver got, in both directions, with and without the disk and a hashing sender', async () => {
  for (const [diskDir, senderHash] of [
    [undefined, false],
    [dir, false],
    [dir, true],
  ] as const) {
    const down = await rawBulk(port, 'download', BYTES, 30_000, { hash: true, senderHash, diskDir })
    const up = await rawBulk(port, 'upload', BYTES, 30_000, { hash: true, senderHash, diskDir })
    expect(down.sha256).toBe(expected(0x62))
    expect(up.sha256).toBe(expected(0x63))
    expect(down.bytes).toBe(BYTES)
  }
})

it('moves the bytes without hashing, and removes the files a disk transfer wrote', async () => {
  const down = await rawBulk(port, 'download', BYTES, 30_000, { diskDir: dir })
  expect(await readdir(dir)).toEqual([])
  const removed = once(server, SINK_FILE_REMOVED)
  const up = await rawBulk(port, 'upload', BYTES, 30_000, { diskDir: dir })
  const [file] = (await removed) as [string]
  expect(file.startsWith(dir)).toBe(true)
  expect(down.sha256).toBeUndefined()
  expect(up.sha256).toBeUndefined()
  expect(await readdir(dir)).toEqual([])
})

it('refuses a disk upload when the server has no folder for it', async () => {
  const bare = createRawBulkServer()
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve))
  try {
    const barePort = (bare.address() as AddressInfo).port
    await expect(rawBulk(barePort, 'upload', BYTES, 30_000, { diskDir: dir })).rejects.toThrow()
  } finally {
    await new Promise<void>((resolve) => bare.close(() => resolve()))
  }
})
