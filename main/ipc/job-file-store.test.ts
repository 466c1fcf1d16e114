import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { JobFilesRecord } from './job-file-store'
import { JobFileStore } from './job-file-store'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-job-files-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const record = (n: number): JobFilesRecord => ({
  files: Array.from({ length: n }, (_, i) => ({ remote: `in/f${i}`, local: `/tmp/f${i}`, size: i })),
  done: Array.from({ length: n - 1 }, (_, i) => `in/f${i}`),
  failed: [{ path: `in/f${n - 1}`, size: 1, state: 'failed', error: { code: 'NOT_FOUND', message: 'gone' } }],
})

describe('JobFileStore', () => {
  it('writes the latest state of a job once per burst, privately, and reads it back', async () => {
    const warnings: string[] = []
    const store = new JobFileStore(join(dir, 'jobs'), (m) => warnings.push(m))
    let current = record(1)
    for (let i = 2; i <= 50; i++) {
      current = record(i)
      store.save('job-1', () => current)
    }
    await store.flush()
    // The first write starts at once; the 48 wishes behind it collapse into one.
    expect(store.writes).toBe(2)
    expect((await stat(join(dir, 'jobs', 'job-1.json'))).mode & 0o777).toBe(0o600)
    expect(await store.load('job-1')).toEqual(record(50))
    expect(await store.load('job-2')).toBeNull()
    store.remove('job-1')
    await store.flush()
    expect(await store.load('job-1')).toBeNull()
    expect(warnings).toEqual([])
  })

  it('ignores a damaged file with a warning, and prunes files of jobs no longer listed', async () => {
    const warnings: string[] = []
    const store = new JobFileStore(dir, (m) => warnings.push(m))
    await writeFile(join(dir, 'bad.json'), '{"version":1,"done":[')
    expect(await store.load('bad')).toBeNull()
    expect(warnings).toEqual([expect.stringMatching(/ignored the files of a transfer/)])
    store.save('keep', () => record(2))
    store.save('drop', () => record(2))
    await store.flush()
    await writeFile(join(dir, 'not-ours.txt'), 'x')
    await store.prune(new Set(['keep']))
    expect((await readdir(dir)).sort()).toEqual(['keep.json', 'not-ours.txt'])
  })
})
