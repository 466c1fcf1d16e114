import { promises as fsp } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { FerryError } from '../protocol/error-codes'
import { LocalStore } from '../store/local/local-store'
import { ShareQuota } from './share-quota'

let dir = ''
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

it("counts the store's usage (staged bytes too), refuses what does not fit, and counts accepted claims at once", async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'ferry-quota-'))
  const store = await LocalStore.open(dir)
  await fsp.mkdir(path.join(dir, 'sub'))
  await fsp.writeFile(path.join(dir, 'a'), Buffer.alloc(300))
  const staged = await store.stage('sub/b', { size: 1000, key: 'k' })
  await staged.write(Buffer.alloc(200))
  await staged.abandon() // kept in .ferry/partial for a resume: it counts
  let t = 0
  const quota = new ShareQuota(store, 1000, () => t)
  expect(await quota.usage()).toBe(500)
  await quota.claim(400)
  const err = await quota.claim(200).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(FerryError)
  expect((err as FerryError).code).toBe('QUOTA_EXCEEDED')
  t += 5000 // the claim was never written: a fresh count frees it
  await quota.claim(500)
  expect(() => new ShareQuota(store, -1)).toThrow(FerryError)
})

it('asks the store once for callers that arrive together', async () => {
  let asked = 0
  const source = {
    usage: () => {
      asked++
      return Promise.resolve(10)
    },
  }
  const quota = new ShareQuota(source, 100)
  await Promise.all([quota.claim(1), quota.claim(1), quota.usage()])
  expect(asked).toBe(1)
  expect(await quota.usage()).toBe(12)
})
