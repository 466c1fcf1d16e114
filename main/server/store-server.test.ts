// The server's read and namespace requests over another store: a FerryServer started on an S3Store (real Ceph, no
// mock) serves LIST, STAT, GET (whole and resumed), TREE, MKDIR, RENAME and DELETE to the real client, with the
// same handlers as over a folder. Files are put into the bucket through the store itself (PUT through the server
// is tested on its own). Without FERRY_S3_ENDPOINT everything here skips and says why.
import { promises as fsp } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FerryClient } from '../client/ferry-client'
import { PART_SUFFIX } from '../client/download'
import { expectCode, names, pattern, putFile, sha256 } from '../store/conformance/conformance-kit'
import { S3Store } from '../store/s3/s3-store'
import { createTestBucket, S3_SKIP_REASON, type TestBucket } from '../store/s3/s3-test-kit'
import type { TransferEvent } from './events'
import { FerryServer } from './ferry-server'
import { SMALL_FILE_BYTES } from './get-stream'

const suite =
  S3_SKIP_REASON === null
    ? 'FerryServer over S3Store'
    : `FerryServer over S3Store (skipped: ${S3_SKIP_REASON})`

describe.skipIf(S3_SKIP_REASON !== null)(suite, () => {
  let bucket: TestBucket
  let store: S3Store
  let server: FerryServer
  let client: FerryClient
  let local: string
  const started: TransferEvent[] = []

  beforeEach(async () => {
    bucket = await createTestBucket()
    store = new S3Store(bucket.options())
    server = await FerryServer.start({ store })
    server.on('transfer', (e) => {
      if (e.state === 'started') started.push(e)
    })
    client = await FerryClient.connect({ host: '127.0.0.1', port: server.address().port })
    local = await fsp.mkdtemp(path.join(os.tmpdir(), 'ferry-store-server-'))
    started.length = 0
  })
  afterEach(async () => {
    await client.close()
    await server.close({ graceMs: 0 }) // closes the store too
    await bucket.cleanup()
    await fsp.rm(local, { recursive: true, force: true })
  })

  /** Downloads with a part file already holding the first `held` bytes, so the GET asks from that offset. */
  async function resumedDownload(remote: string, data: Buffer, held: number): Promise<Buffer> {
    const target = path.join(local, `${path.basename(remote)}.${held}`)
    await fsp.writeFile(target + PART_SUFFIX, data.subarray(0, held))
    await client.download(remote, target, { resume: true })
    return fsp.readFile(target)
  }

  it('lists, stats and downloads whole and resumed, with the stored or a computed SHA-256', async () => {
    expect(await client.mkdir('docs')).toBe('docs')
    const big = pattern(3 * 1024 * 1024 + 17, 5)
    const small = pattern(SMALL_FILE_BYTES - 100, 6)
    await putFile(store, 'docs/big.bin', big)
    await putFile(store, 'docs/small.bin', small)
    // Written by another tool: no SHA-256 in the metadata, so the server hashes what it reads, prefix included.
    const foreign = pattern(SMALL_FILE_BYTES + 12_345, 7)
    await bucket.client.send(
      new PutObjectCommand({ Bucket: bucket.bucket, Key: 'docs/foreign.bin', Body: foreign }),
    )
    expect((await store.stat('docs/foreign.bin')).sha256).toBeUndefined()

    const listing = await client.list('docs')
    expect(listing.map((e) => [e.name, e.type, e.size])).toEqual([
      ['big.bin', 'file', big.length],
      ['foreign.bin', 'file', foreign.length],
      ['small.bin', 'file', small.length],
    ])
    expect(await client.stat('docs/big.bin')).toMatchObject({
      path: 'docs/big.bin',
      type: 'file',
      size: big.length,
    })
    expect(await client.stat('docs')).toMatchObject({ name: 'docs', type: 'dir' })
    await expectCode(client.stat('docs/nope'), 'NOT_FOUND')
    await expectCode(client.list('docs/big.bin'), 'NOT_A_DIRECTORY')

    expect((await client.getBuffer('docs/small.bin')).equals(small)).toBe(true)
    expect((await client.getBuffer('docs/foreign.bin')).equals(foreign)).toBe(true)
    await client.download('docs/big.bin', path.join(local, 'big.bin'))
    expect(sha256(await fsp.readFile(path.join(local, 'big.bin')))).toBe(sha256(big))

    for (const [remote, data] of [
      ['docs/big.bin', big],
      ['docs/foreign.bin', foreign],
      ['docs/small.bin', small],
    ] as const) {
      const held = 100_001
      started.length = 0
      const got = await resumedDownload(remote, data, held)
      expect(sha256(got), remote).toBe(sha256(data))
      expect(started.map((e) => [e.path, e.bytes, e.total])).toEqual([[remote, held, data.length]])
    }
    await expectCode(client.getBuffer('docs'), 'IS_A_DIRECTORY')
    await expectCode(client.getBuffer('docs/nope'), 'NOT_FOUND')
  })

  it('pages a TREE from folder listings, and makes, renames and deletes through the store', async () => {
    expect(await client.mkdir('a/b/c', { parents: true })).toBe('a/b/c')
    await expectCode(client.mkdir('x/y'), 'NOT_FOUND')
    await expectCode(client.mkdir('a'), 'EXISTS')
    await putFile(store, 'a/b/one.txt', Buffer.from('one'))
    await putFile(store, 'a/two.txt', Buffer.from('two'))
    await putFile(store, 'top.txt', Buffer.from('top'))
    const page = await client.treePage('', undefined)
    expect(page?.entries.map((e) => `${e.path}${e.type === 'dir' ? '/' : ''}`)).toEqual([
      'a/',
      'a/b/',
      'a/b/c/',
      'a/b/one.txt',
      'a/two.txt',
      'top.txt',
    ])
    expect(page?.next).toBeUndefined()
    // Stateless paging: the walk skips by name to just after `after`, also from inside a folder.
    const rest = await client.treePage('', 'a/b/c')
    expect(rest?.entries.map((e) => e.path)).toEqual(['a/b/one.txt', 'a/two.txt', 'top.txt'])
    const below = await client.treePage('a', 'a/b')
    expect(below?.entries.map((e) => e.path)).toEqual(['a/b/c', 'a/b/one.txt', 'a/two.txt'])
    await expectCode(client.treePage('top.txt', undefined), 'NOT_A_DIRECTORY')

    expect(await client.rename('a/two.txt', 'a/b/c/two.txt')).toBe('a/b/c/two.txt')
    await expectCode(client.rename('top.txt', 'a/b/one.txt'), 'EXISTS')
    await client.rename('top.txt', 'a/b/one.txt', { mode: 'overwrite' })
    expect((await client.getBuffer('a/b/one.txt')).toString()).toBe('top')
    expect(await client.rename('a/b', 'moved')).toBe('moved')
    expect(await names(store, '')).toEqual(['a/', 'moved/'])
    expect(await names(store, 'moved')).toEqual(['c/', 'one.txt'])
    expect((await client.getBuffer('moved/c/two.txt')).toString()).toBe('two')

    await expectCode(client.delete('moved'), 'NOT_EMPTY')
    await expectCode(client.delete(''), 'PATH_INVALID')
    await client.delete('moved/one.txt')
    await client.delete('moved', { recursive: true })
    await client.delete('a')
    expect(await store.list('')).toEqual([])
  })
})
