import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FerryError } from '../protocol/error-codes'
import { HASH_CHUNK_BYTES, hashFdRange, hashFileRange } from './hash-range'

let dir = ''
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ferry-hash-range-'))
})
afterEach(() => fs.rm(dir, { recursive: true, force: true }))

const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(FerryError)
  return (err as FerryError).code
}

describe('hashFileRange / hashFdRange', () => {
  const data = randomBytes(2 * HASH_CHUNK_BYTES + 123)

  it.each([
    [0, 0],
    [0, 1],
    [0, data.length],
    [5, HASH_CHUNK_BYTES + 7],
    [HASH_CHUNK_BYTES, data.length],
  ])('hashes bytes [%i, %i) of a path and of an open fd alike', async (start, end) => {
    const file = path.join(dir, 'f.bin')
    await fs.writeFile(file, data)
    const byPath = createHash('sha256')
    await hashFileRange(file, byPath, start, end)
    const handle = await fs.open(file, 'r')
    const byFd = createHash('sha256')
    try {
      await hashFdRange(handle.fd, byFd, start, end)
    } finally {
      await handle.close()
    }
    const expected = sha(data.subarray(start, end))
    expect(byPath.digest('hex')).toBe(expected)
    expect(byFd.digest('hex')).toBe(expected)
  })

  it('continues an existing hash (prefix then the rest equals the whole)', async () => {
    const file = path.join(dir, 'f.bin')
    await fs.writeFile(file, data)
    const hash = createHash('sha256')
    await hashFileRange(file, hash, 0, 1000)
    hash.update(data.subarray(1000))
    expect(hash.digest('hex')).toBe(sha(data))
  })

  it('fails SIZE_MISMATCH when the file ends early, NOT_FOUND when it is missing', async () => {
    const file = path.join(dir, 'short.bin')
    await fs.writeFile(file, data.subarray(0, 10))
    expect(await codeOf(hashFileRange(file, createHash('sha256'), 0, 11))).toBe('SIZE_MISMATCH')
    expect(await codeOf(hashFileRange(path.join(dir, 'nope'), createHash('sha256'), 0, 1))).toBe('NOT_FOUND')
  })

  it('stops with CANCELLED once the signal fired', async () => {
    const file = path.join(dir, 'f.bin')
    await fs.writeFile(file, data)
    const controller = new AbortController()
    controller.abort()
    const hashing = hashFileRange(file, createHash('sha256'), 0, data.length, { signal: controller.signal })
    expect(await codeOf(hashing)).toBe('CANCELLED')
  })
})
