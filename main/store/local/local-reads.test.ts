// What LocalStore's reads do beyond the shared conformance suite: the folder's own kinds of entries (symlinks,
// FIFOs), the synchronous small-file path, remembered hashes, and the choice of fd pinning.
import { execFileSync } from 'node:child_process'
import { promises as fsp } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { expectCode, pattern, readAll, sha256 } from '../conformance/conformance-kit'
import { choosePinning, PORTABLE_PINNING } from './fd-pinning'
import { FileHashCache } from './file-hash-cache'
import { HASH_CACHE_MIN_BYTES } from './local-reads'
import { SYNC_READ_BYTES } from './local-small-read'
import { LocalStore, type LocalStoreOptions } from './local-store'
import { ShareRoot } from './share-root'

let base: string
let root: string
beforeEach(async () => {
  base = await fsp.realpath(await fsp.mkdtemp(path.join(os.tmpdir(), 'ferry-local-reads-')))
  root = path.join(base, 'share')
  await fsp.mkdir(path.join(base, 'outside'))
  await fsp.writeFile(path.join(base, 'outside', 'secret.txt'), 'secret')
})
afterEach(() => fsp.rm(base, { recursive: true, force: true }))

const open = (options: LocalStoreOptions = {}) => LocalStore.open(root, options)
/** Records hashes at once, instead of only for files quiet for longer than a timestamp tick. */
const settledNow = () => new FileHashCache({ settledMs: -60_000, coarseSettledMs: -60_000 })

describe('LocalStore reads', () => {
  it('lists links that stay inside as what they lead to, and hides links out, FIFOs and .ferry', async () => {
    const store = await open()
    await fsp.mkdir(path.join(root, 'dir'))
    await fsp.writeFile(path.join(root, 'dir', 'f.txt'), 'hello')
    await fsp.symlink(path.join(root, 'dir'), path.join(root, 'dir-link'))
    await fsp.symlink(path.join(root, 'dir', 'f.txt'), path.join(root, 'file-link'))
    await fsp.symlink(path.join(base, 'outside'), path.join(root, 'out-dir'))
    await fsp.symlink(path.join(base, 'outside', 'secret.txt'), path.join(root, 'out-file'))
    if (process.platform !== 'win32') execFileSync('mkfifo', [path.join(root, 'pipe')])
    expect((await store.list('')).map((e) => [e.name, e.type, e.size])).toEqual([
      ['dir', 'dir', 0],
      ['dir-link', 'dir', 0],
      ['file-link', 'file', 5],
    ])
    expect((await readAll(store, 'dir-link/f.txt')).toString()).toBe('hello')
    await expectCode(store.list('out-dir'), 'PATH_INVALID')
    await expectCode(store.read('out-file'), 'PATH_INVALID')
    await expectCode(store.stat('.ferry'), 'PATH_INVALID')
    expect((await store.stat('')).name).toBe('share')
  })

  it.skipIf(process.platform === 'win32')('refuses a FIFO without blocking on it', async () => {
    const store = await open()
    execFileSync('mkfifo', [path.join(root, 'pipe')])
    await expectCode(store.read('pipe'), 'UNSUPPORTED')
    await expectCode(store.stat('pipe'), 'UNSUPPORTED')
    expect(() => store.readSmallSync('pipe')).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }))
  })

  it('reads small files synchronously while allowed, and leaves larger ones to read()', async () => {
    const store = await open()
    const small = pattern(SYNC_READ_BYTES, 1)
    await fsp.mkdir(path.join(root, 'd'))
    await fsp.writeFile(path.join(root, 'd', 'small'), small)
    await fsp.writeFile(path.join(root, 'd', 'large'), pattern(SYNC_READ_BYTES + 1, 2))
    await fsp.symlink(path.join(root, 'd'), path.join(root, 'd-link'))
    for (const wirePath of ['d/small', 'd/small', 'd-link/small']) {
      const got = store.readSmallSync(wirePath)
      expect(got?.data.equals(small)).toBe(true)
      expect(got?.sha256).toBe(sha256(small))
    }
    expect(store.readSmallSync('d/large')).toBeNull()
    expect(() => store.readSmallSync('d')).toThrow(expect.objectContaining({ code: 'IS_A_DIRECTORY' }))
    expect(() => store.readSmallSync('d/nope')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }))
    expect(() => store.readSmallSync('../outside/secret.txt')).toThrow(
      expect.objectContaining({ code: 'PATH_INVALID' }),
    )
    const slowDisk = await open({ fastSmallReads: false })
    expect(slowDisk.readSmallSync('d/small')).toBeNull()
  })

  it('remembers the hash of a whole read of a large file, and fails a read when the file changes under it', async () => {
    const store = await open({ fileHashCache: settledNow() })
    const data = pattern(HASH_CACHE_MIN_BYTES + 1000, 3)
    const file = path.join(root, 'big.bin')
    await fsp.writeFile(file, data)
    const partial = await store.read('big.bin', { offset: 10 })
    for await (const chunk of partial.body) void chunk
    store.rememberSha256(partial, sha256(data))
    expect((await store.stat('big.bin')).sha256).toBeUndefined() // only a whole read vouches for a hash
    const whole = await store.read('big.bin')
    expect(whole.stat.sha256).toBeUndefined()
    expect(sha256(await readAll(store, 'big.bin'))).toBe(sha256(data))
    for await (const chunk of whole.body) void chunk
    store.rememberSha256(whole, sha256(data))
    expect((await store.stat('big.bin')).sha256).toBe(sha256(data))
    const again = await store.read('big.bin', { offset: 1000 })
    expect(again.stat.sha256).toBe(sha256(data))
    await fsp.appendFile(file, 'x')
    const drain = async (): Promise<void> => {
      for await (const chunk of again.body) void chunk
    }
    await expectCode(drain(), 'SIZE_MISMATCH')
    expect((await store.read('big.bin')).stat.sha256).toBeUndefined()
  })
})

describe('fd pinning', () => {
  it('is chosen by platform in one place', () => {
    expect(choosePinning('linux').kind).toBe('linux-procfs')
    expect(choosePinning('darwin').kind).toBe('portable')
    expect(choosePinning('win32').kind).toBe('portable')
  })

  it('portable: folders are addressed by their checked path, and opened files cannot be read back', async () => {
    const share = await ShareRoot.open(root, PORTABLE_PINNING)
    await fsp.mkdir(path.join(root, 'd'))
    const folder = await share.pinFolder(path.join(root, 'd'), 'd')
    expect(folder.at('x')).toBe(path.join(root, 'd', 'x'))
    await folder.close()
    const fd = await fsp.open(path.join(base, 'outside', 'secret.txt'), 'r')
    try {
      expect(share.assertOpenedInside(fd.fd, 'x')).toBe(false)
    } finally {
      await fd.close()
    }
  })

  it.skipIf(process.platform !== 'linux')(
    'linux-procfs: folders are addressed through their open fd',
    async () => {
      const share = await ShareRoot.open(root)
      expect(share.pinning.kind).toBe('linux-procfs')
      await fsp.mkdir(path.join(root, 'd'))
      const folder = await share.pinFolder(path.join(root, 'd'), 'd')
      try {
        expect(folder.path).toMatch(/^\/proc\/self\/fd\/\d+$/)
        await fsp.writeFile(folder.at('x'), 'via fd')
        expect(await fsp.readFile(path.join(root, 'd', 'x'), 'utf8')).toBe('via fd')
      } finally {
        await folder.close()
      }
    },
  )
})
