import { promises as fsp } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { FerryError } from '../protocol/error-codes'
import { ShareQuota } from './share-quota'

let dir = ''
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

it('counts files in the tree, refuses what does not fit, and counts accepted claims at once', async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'ferry-quota-'))
  await fsp.mkdir(path.join(dir, 'sub', '.ferry'), { recursive: true })
  await fsp.writeFile(path.join(dir, 'a'), Buffer.alloc(300))
  await fsp.writeFile(path.join(dir, 'sub', '.ferry', 'part'), Buffer.alloc(200))
  let t = 0
  const quota = new ShareQuota(dir, 1000, () => t)
  expect(await quota.usage()).toBe(500)
  await quota.claim(400)
  const err = await quota.claim(200).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(FerryError)
  expect((err as FerryError).code).toBe('QUOTA_EXCEEDED')
  t += 5000 // the claim was never written: a fresh walk frees it
  await quota.claim(500)
  expect(() => new ShareQuota(dir, -1)).toThrow(FerryError)
})
