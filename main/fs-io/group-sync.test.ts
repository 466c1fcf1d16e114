import { promises as fsp } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GroupSync } from './group-sync'

let dir: string
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'ferry-group-sync-'))
})
afterEach(() => fsp.rm(dir, { recursive: true, force: true }))

async function files(n: number): Promise<string[]> {
  const out: string[] = []
  for (let i = 0; i < n; i++) {
    const file = path.join(dir, `f${i}`)
    await fsp.writeFile(file, `data ${i}`)
    out.push(file)
  }
  return out
}

describe('GroupSync', () => {
  it('folds callers that arrive while a sync runs into one more sync', async () => {
    const group = new GroupSync(dir)
    const all = await files(20)
    await Promise.all(all.map((f) => group.sync([f])))
    // The first caller's sync, then one for everyone who came meanwhile (per file and folder where syncfs is absent).
    expect(group.stats.files).toBe(20)
    if (process.platform === 'linux') expect(group.stats.groups).toBeLessThanOrEqual(2)
  })

  it('per-file mode fsyncs each file and folder, and reports a file that is gone', async () => {
    const group = new GroupSync(dir, 'each')
    const all = await files(3)
    await group.sync(all, [dir])
    expect(group.stats).toEqual({ groups: 1, files: 3 })
    await expect(group.sync([path.join(dir, 'missing')])).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('does nothing for an empty group', async () => {
    const group = new GroupSync(dir)
    await group.sync([])
    expect(group.stats.groups).toBe(0)
  })
})
