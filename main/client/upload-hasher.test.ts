import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { UploadHasher } from './upload-hasher'

const MiB = 1024 * 1024
const data = randomBytes(40 * MiB + 500)
let dir = ''
let handle: fs.FileHandle | null = null

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ferry-upload-hasher-'))
  const file = path.join(dir, 'f.bin')
  await fs.writeFile(file, data)
  handle = await fs.open(file, 'r')
})
afterEach(async () => {
  await handle?.close()
  handle = null
  await fs.rm(dir, { recursive: true, force: true })
})

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')

/** Feeds [from, to) the way an upload does, in 1 MiB chunks. */
function send(hasher: UploadHasher, from: number, to: number): void {
  for (let at = from; at < to; at += MiB) hasher.update(data.subarray(at, Math.min(to, at + MiB)))
}

describe('UploadHasher', () => {
  it('hashes what it was fed and stays usable after hex()', () => {
    const hasher = new UploadHasher(handle!.fd, 'f.bin')
    send(hasher, 0, 3 * MiB)
    expect(hasher.hex()).toBe(sha(data.subarray(0, 3 * MiB)))
    send(hasher, 3 * MiB, data.length)
    expect(hasher.at).toBe(data.length)
    expect(hasher.hex()).toBe(sha(data))
  })

  it('rewinds to a recent checkpoint and re-reads only the gap', async () => {
    const hasher = new UploadHasher(handle!.fd, 'f.bin')
    send(hasher, 0, 20 * MiB)
    const held = 18 * MiB + 12_345
    expect(hasher.costTo(held)).toBe(12_345)
    await hasher.moveTo(held)
    expect(hasher.hex()).toBe(sha(data.subarray(0, held)))
    send(hasher, held, data.length)
    expect(hasher.hex()).toBe(sha(data))
  })

  it('re-reads from 0 when the offset is older than its checkpoints, and hashes forward', async () => {
    const hasher = new UploadHasher(handle!.fd, 'f.bin')
    send(hasher, 0, 40 * MiB)
    expect(hasher.costTo(100)).toBe(100)
    await hasher.moveTo(100)
    expect(hasher.hex()).toBe(sha(data.subarray(0, 100)))
    expect(hasher.costTo(5 * MiB)).toBe(5 * MiB - 100)
    await hasher.moveTo(5 * MiB)
    expect(hasher.hex()).toBe(sha(data.subarray(0, 5 * MiB)))
    await hasher.moveTo(0)
    expect(hasher.hex()).toBe(sha(Buffer.alloc(0)))
  })
})
