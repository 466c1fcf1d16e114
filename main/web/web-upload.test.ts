// Resumable uploads over the web API into a folder (LocalStore): cut mid-chunk and resumed, resumed on another
// server, wrong hash, name clashes, quota.
import { randomBytes } from 'node:crypto'
import { readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { create, cutAndResume, patch, resumeAcrossServers, sendRest } from './web-upload-scenarios'
import { sha256, startWebFixture, type WebFixture } from './web-test-kit'

let f: WebFixture | undefined
afterEach(async () => {
  await f?.close()
  f = undefined
})

describe('resumable upload into a folder', () => {
  it('survives a connection cut mid-chunk and ends with identical bytes, invisible until finished', async () => {
    f = await startWebFixture({ token: 't0ken' })
    await f.login('t0ken')
    await cutAndResume(f, 300_000, 64 * 1024)
  })

  it('resumes on a new server over the same store from the staged bytes', async () => {
    f = await startWebFixture()
    await resumeAcrossServers(f, 200_000, 50_000, 150_000)
  })

  it('refuses a wrong SHA-256 (422) and places nothing', async () => {
    f = await startWebFixture()
    const data = randomBytes(1000)
    const up = await create(f, { path: 'bad.bin', size: 1000, key: 'k', mode: 'fail' })
    await sendRest(f, up.id, data, 0, 400)
    const res = await f.api('POST', `/api/uploads/${up.id}/finish`, {
      body: { sha256: sha256(randomBytes(3)) },
    })
    expect(res.status).toBe(422)
    expect(await res.json()).toMatchObject({ code: 'CHECKSUM_MISMATCH' })
    expect((await readdir(f.dir)).filter((n) => !n.startsWith('.ferry'))).toEqual([])
  })

  it('refuses finishing early and chunks past the declared size', async () => {
    f = await startWebFixture()
    const up = await create(f, { path: 'short.bin', size: 100, key: 'k', mode: 'fail' })
    const past = await patch(f, up.id, 0, randomBytes(101))
    expect(past.status).toBe(413)
    await sendRest(f, up.id, randomBytes(50), 0, 50)
    const early = await f.api('POST', `/api/uploads/${up.id}/finish`, { body: { sha256: 'a'.repeat(64) } })
    expect(early.status).toBe(409)
    expect(await early.json()).toMatchObject({ code: 'OFFSET_INVALID', offset: 50 })
  })

  it('follows the overwrite mode: fail refuses an existing name, rename picks a free one', async () => {
    f = await startWebFixture()
    await writeFile(path.join(f.dir, 'same.txt'), 'old')
    const refused = await f.api('POST', '/api/uploads', {
      body: { path: 'same.txt', size: 3, key: 'k', mode: 'fail' },
    })
    expect(refused.status).toBe(409)
    expect(await refused.json()).toMatchObject({ code: 'EXISTS' })
    const data = Buffer.from('new')
    const up = await create(f, { path: 'same.txt', size: 3, key: 'k', mode: 'rename' })
    await sendRest(f, up.id, data, 0, 3)
    const done = await f.api('POST', `/api/uploads/${up.id}/finish`, { body: { sha256: sha256(data) } })
    expect(await done.json()).toMatchObject({ path: 'same (2).txt' })
  })

  it('refuses an upload over the quota with 507 QUOTA_EXCEEDED', async () => {
    f = await startWebFixture({ quota: 1000 })
    await writeFile(path.join(f.dir, 'some.bin'), randomBytes(600))
    const res = await f.api('POST', '/api/uploads', { body: { path: 'big.bin', size: 500, key: 'k' } })
    expect(res.status).toBe(507)
    expect(await res.json()).toMatchObject({ code: 'QUOTA_EXCEEDED' })
    const fits = await f.api('POST', '/api/uploads', { body: { path: 'ok.bin', size: 300, key: 'k' } })
    expect(fits.status).toBe(201)
  })

  it('cancels an upload and drops its staged bytes', async () => {
    f = await startWebFixture()
    const up = await create(f, { path: 'gone.bin', size: 100, key: 'k', mode: 'fail' })
    await sendRest(f, up.id, randomBytes(60), 0, 60)
    expect((await f.api('DELETE', `/api/uploads/${up.id}`)).status).toBe(200)
    expect((await f.api('GET', `/api/uploads/${up.id}`)).status).toBe(404)
    const again = await create(f, { path: 'gone.bin', size: 100, key: 'k', mode: 'fail' })
    expect(again.offset).toBe(0)
  })
})
