// The ShareStore conformance suite: what every store behind the server must do the same way, written once and
// run against each (S3Store in s3-store.test.ts; LocalStore when it exists). Each test gets a fresh, empty store.
//
//   describeShareStore('S3Store', makeFixture, { resumeUnitBytes: PART })
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  expectCode,
  names,
  pattern,
  putFile,
  putText,
  readAll,
  sha256,
  type ConformanceOptions,
  type StoreFixture,
} from './conformance-kit'
import { describeStagedWrites } from './conformance-staged'
import type { ShareStore } from '../share-store'

export type { StoreFixture, ConformanceOptions } from './conformance-kit'

export function describeShareStore(
  name: string,
  makeFixture: () => Promise<StoreFixture>,
  options: ConformanceOptions,
): void {
  describe(`${name} conformance`, () => {
    let fixture: StoreFixture
    let store: ShareStore
    beforeEach(async () => {
      fixture = await makeFixture()
      store = fixture.store
    })
    afterEach(async () => {
      await fixture.cleanup()
    })
    const current = (): StoreFixture => fixture

    it('lists folders in name order, stats and reads byte ranges', async () => {
      const data = pattern(300_000)
      await store.mkdir('docs')
      await putFile(store, 'docs/b.bin', data)
      await putText(store, 'docs/a.txt', 'hello')
      await store.mkdir('docs/sub')
      await putText(store, 'top.txt', 'top')
      expect(await names(store, '')).toEqual(['docs/', 'top.txt'])
      expect(await names(store, 'docs')).toEqual(['a.txt', 'b.bin', 'sub/'])
      expect(await store.list('docs/sub')).toEqual([])
      const file = await store.stat('docs/b.bin')
      expect(file).toMatchObject({ path: 'docs/b.bin', name: 'b.bin', type: 'file', size: data.length })
      expect(file.mtimeMs).toBeGreaterThan(0)
      if (file.sha256 !== undefined) expect(file.sha256).toBe(sha256(data))
      expect(await store.stat('docs')).toMatchObject({ name: 'docs', type: 'dir', size: 0 })
      expect((await store.stat('')).type).toBe('dir')
      expect((await readAll(store, 'docs/b.bin')).equals(data)).toBe(true)
      expect(
        (await readAll(store, 'docs/b.bin', { offset: 1000, length: 5000 })).equals(
          data.subarray(1000, 6000),
        ),
      ).toBe(true)
      expect((await readAll(store, 'docs/b.bin', { offset: 299_990 })).equals(data.subarray(299_990))).toBe(
        true,
      )
      const atEnd = await store.read('docs/b.bin', { offset: data.length })
      expect(atEnd.length).toBe(0)
      expect(atEnd.stat.size).toBe(data.length)
      expect((await readAll(store, 'docs/a.txt')).toString()).toBe('hello')
      await expectCode(store.read('docs/b.bin', { offset: data.length + 1 }), 'OFFSET_INVALID')
      await expectCode(store.read('docs'), 'IS_A_DIRECTORY')
      await expectCode(store.read('docs/nope'), 'NOT_FOUND')
      await expectCode(store.stat('docs/nope'), 'NOT_FOUND')
      await expectCode(store.list('top.txt'), 'NOT_A_DIRECTORY')
      await expectCode(store.list('nope'), 'NOT_FOUND')
    })

    it('reads an empty file', async () => {
      await putFile(store, 'empty', new Uint8Array(0))
      expect((await store.stat('empty')).size).toBe(0)
      expect((await readAll(store, 'empty')).length).toBe(0)
    })

    it('refuses paths that leave the share or that the wire refuses', async () => {
      for (const bad of ['../x', '/abs', 'a//b', 'a/../b', '.ferry/x', 'x/', 'nul', 'a\\b']) {
        await expectCode(store.stat(bad), 'PATH_INVALID')
        await expectCode(store.mkdir(bad), 'PATH_INVALID')
        await expectCode(store.stage(bad, { size: 1, key: 'k' }), 'PATH_INVALID')
      }
      await expectCode(store.stage('', { size: 1, key: 'k' }), 'PATH_INVALID')
    })

    it('makes folders, with and without parents', async () => {
      await store.mkdir('a')
      await expectCode(store.mkdir('a'), 'EXISTS')
      await expectCode(store.mkdir('x/y'), 'NOT_FOUND')
      await store.mkdir('x/y/z', { parents: true })
      await store.mkdir('x/y/z', { parents: true })
      expect(await names(store, 'x/y')).toEqual(['z/'])
      await putText(store, 'f', 'file')
      await expectCode(store.mkdir('f'), 'EXISTS')
      await expectCode(store.mkdir('f/g', { parents: true }), 'NOT_A_DIRECTORY')
    })

    it('deletes files and folders, recursively only when asked', async () => {
      await store.mkdir('d/e', { parents: true })
      await putText(store, 'd/e/one.txt', '1')
      await putText(store, 'd/two.txt', '2')
      await expectCode(store.delete('d'), 'NOT_EMPTY')
      await store.delete('d/two.txt')
      await expectCode(store.stat('d/two.txt'), 'NOT_FOUND')
      await store.delete('d/e/one.txt')
      expect(await store.list('d/e')).toEqual([]) // a folder stays when its last file goes
      await putText(store, 'd/e/three.txt', '3')
      await store.delete('d', { recursive: true })
      await expectCode(store.stat('d'), 'NOT_FOUND')
      await expectCode(store.stat('d/e/three.txt'), 'NOT_FOUND')
      expect(await store.list('')).toEqual([])
      await expectCode(store.delete('d'), 'NOT_FOUND')
      await expectCode(store.delete(''), 'INVALID_ARGUMENT')
    })

    it('renames files and whole folders', async () => {
      await store.mkdir('src/deep/er', { parents: true })
      const big = pattern(70_000, 7)
      await putFile(store, 'src/deep/er/big.bin', big)
      await putText(store, 'src/a.txt', 'a')
      await store.mkdir('src/empty')
      await store.mkdir('dst')
      await store.rename('src', 'dst/moved')
      await expectCode(store.stat('src'), 'NOT_FOUND')
      expect(await names(store, 'dst/moved')).toEqual(['a.txt', 'deep/', 'empty/'])
      expect((await readAll(store, 'dst/moved/deep/er/big.bin')).equals(big)).toBe(true)
      expect(await store.list('dst/moved/empty')).toEqual([])
      await store.rename('dst/moved/a.txt', 'dst/a2.txt')
      expect((await readAll(store, 'dst/a2.txt')).toString()).toBe('a')
      await expectCode(store.stat('dst/moved/a.txt'), 'NOT_FOUND')
      expect(await names(store, 'dst')).toEqual(['a2.txt', 'moved/'])
    })

    it('refuses renames that would lose or tangle data', async () => {
      await store.mkdir('f/sub', { parents: true })
      await putText(store, 'one', '1')
      await putText(store, 'two', '2')
      await expectCode(store.rename('one', 'two'), 'EXISTS')
      expect((await readAll(store, 'two')).toString()).toBe('2')
      await store.rename('one', 'two', { mode: 'overwrite' })
      expect((await readAll(store, 'two')).toString()).toBe('1')
      await expectCode(store.rename('two', 'f', { mode: 'overwrite' }), 'IS_A_DIRECTORY')
      await expectCode(store.rename('f', 'two', { mode: 'overwrite' }), 'NOT_A_DIRECTORY')
      await expectCode(store.rename('f', 'f/sub/inner'), 'INVALID_ARGUMENT')
      await expectCode(store.rename('missing', 'x'), 'NOT_FOUND')
      await expectCode(store.rename('two', 'nofolder/two'), 'NOT_FOUND')
    })

    it('counts usage', async () => {
      const before = await store.usage()
      await putFile(store, 'u.bin', pattern(50_000))
      expect(await store.usage()).toBeGreaterThanOrEqual(before + 50_000)
    })

    describeStagedWrites(current, options)
  })
}
