// Conformance cases for staged uploads: invisible until commit, the three overwrite modes, verification, and a
// resume by another server after a dropped connection.
import { expect, it } from 'vitest'
import { expectCode, names, pattern, putFile, putText, readAll, sha256 } from './conformance-kit'
import type { ConformanceOptions, StoreFixture } from './conformance-kit'

export function describeStagedWrites(fixture: () => StoreFixture, options: ConformanceOptions): void {
  it('keeps a staged upload invisible until it is committed', async () => {
    const { store } = fixture()
    const data = pattern(100_000, 3)
    const staged = await store.stage('s.bin', { size: data.length, key: 'k1' })
    expect(staged.offset).toBe(0)
    expect(staged.prefixSha256).toBeUndefined()
    await staged.write(data.subarray(0, 60_000))
    expect(await store.list('')).toEqual([])
    await expectCode(store.stat('s.bin'), 'NOT_FOUND')
    await staged.write(data.subarray(60_000))
    expect(await staged.commit(sha256(data), 'fail')).toEqual({
      path: 's.bin',
      size: data.length,
      sha256: sha256(data),
    })
    expect((await readAll(store, 's.bin')).equals(data)).toBe(true)
  })

  it("commits by mode: 'fail' refuses an existing file, 'overwrite' replaces it, 'rename' numbers", async () => {
    const { store } = fixture()
    await putText(store, 'n.txt', 'old')
    const again = Buffer.from('new')
    await expectCode(putFile(store, 'n.txt', again, 'fail'), 'EXISTS')
    expect((await readAll(store, 'n.txt')).toString()).toBe('old')
    expect((await putFile(store, 'n.txt', again, 'rename')).path).toBe('n (2).txt')
    expect((await putFile(store, 'n.txt', Buffer.from('third'), 'rename')).path).toBe('n (3).txt')
    expect((await putFile(store, 'n.txt', again, 'overwrite')).path).toBe('n.txt')
    expect((await readAll(store, 'n.txt')).toString()).toBe('new')
    expect(await names(store, '')).toEqual(['n (2).txt', 'n (3).txt', 'n.txt'])
    await store.mkdir('dir')
    await expectCode(putFile(store, 'dir', again, 'overwrite'), 'IS_A_DIRECTORY')
    await expectCode(putFile(store, 'nodir/x', again), 'NOT_FOUND')
  })

  it('refuses a wrong SHA-256 or size and shows nothing', async () => {
    const { store } = fixture()
    const data = pattern(options.resumeUnitBytes + 1000, 5)
    const staged = await store.stage('bad.bin', { size: data.length, key: 'k2' })
    await staged.write(data)
    await expectCode(staged.commit(sha256(Buffer.from('other')), 'fail'), 'CHECKSUM_MISMATCH')
    await expectCode(store.stat('bad.bin'), 'NOT_FOUND')
    const again = await store.stage('bad.bin', { size: data.length, key: 'k2', resume: true })
    expect(again.offset).toBe(0) // a mismatch drops the staged bytes
    await again.write(data.subarray(0, 10))
    await expectCode(again.commit(sha256(data), 'fail'), 'SIZE_MISMATCH')
    const over = await store.stage('bad.bin', { size: 4, key: 'k3' })
    await expectCode(over.write(Buffer.from('12345')), 'SIZE_MISMATCH')
    await expectCode(store.stat('bad.bin'), 'NOT_FOUND')
  })

  it('resumes on another server after a dropped connection', async () => {
    const { store } = fixture()
    const unit = options.resumeUnitBytes
    const data = pattern(3 * unit + 12_345, 9)
    await store.mkdir('r')
    const first = await store.stage('r/resume.bin', { size: data.length, key: 'upload-1' })
    const cut = 2 * unit + unit / 2
    for (let at = 0; at < cut; at += 256 * 1024)
      await first.write(data.subarray(at, Math.min(cut, at + 256 * 1024)))
    await first.abandon() // the connection dropped: keep what is staged
    const other = await fixture().another()
    try {
      const resumed = await other.stage('r/resume.bin', { size: data.length, key: 'upload-1', resume: true })
      expect(resumed.offset).toBeGreaterThanOrEqual(2 * unit)
      expect(resumed.offset).toBeLessThanOrEqual(cut)
      expect(resumed.prefixSha256).toBe(sha256(data.subarray(0, resumed.offset)))
      await expectCode(other.stat('r/resume.bin'), 'NOT_FOUND')
      await resumed.write(data.subarray(resumed.offset))
      expect((await resumed.commit(sha256(data), 'fail')).path).toBe('r/resume.bin')
      expect((await readAll(store, 'r/resume.bin')).equals(data)).toBe(true)
      const fresh = await other.stage('r/resume.bin', { size: data.length, key: 'upload-1', resume: true })
      expect(fresh.offset).toBe(0) // a committed upload leaves nothing staged
      await fresh.abandon({ discard: true })
    } finally {
      await other.close()
    }
  })

  it('starts over when not resuming, and forgets a discarded upload', async () => {
    const { store } = fixture()
    const unit = options.resumeUnitBytes
    const data = pattern(2 * unit + 100, 11)
    const first = await store.stage('o.bin', { size: data.length, key: 'k4' })
    await first.write(data.subarray(0, unit + 10))
    await first.abandon()
    const restart = await store.stage('o.bin', { size: data.length, key: 'k4' })
    expect(restart.offset).toBe(0)
    await restart.write(data.subarray(0, unit + 10))
    await restart.abandon({ discard: true })
    const after = await store.stage('o.bin', { size: data.length, key: 'k4', resume: true })
    expect(after.offset).toBe(0)
    await after.write(data)
    await after.commit(sha256(data), 'fail')
    expect((await readAll(store, 'o.bin')).equals(data)).toBe(true)
  })
}
