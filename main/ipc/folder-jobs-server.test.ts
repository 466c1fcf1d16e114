// Folder jobs through FerryService against a real server on 127.0.0.1: a folder is one job both ways, its events
// stay few, Cancel and Retry act on the whole job without moving a file twice, failures are listed with their
// reason, and a folder upload interrupted by quitting comes back to be resumed.
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { TransferFilePage, TransferInfo } from '../../preload/api'
import type { Kit } from './service-test-kit'
import { hostShare, kitsPerTest, nextEvent, settled, value } from './service-test-kit'

const kit = kitsPerTest()

/** Writes `count` small files under root/name (in subfolders of 100), returning their relative paths. */
async function makeTree(root: string, name: string, count: number, bytes = 64): Promise<string[]> {
  const paths: string[] = []
  const dirs = new Set<string>()
  for (let i = 0; i < count; i++) dirs.add(`${name}/part${Math.floor(i / 100)}`)
  await Promise.all([...dirs].map((d) => mkdir(join(root, d), { recursive: true })))
  for (let i = 0; i < count; i += 200) {
    const batch = Array.from({ length: Math.min(200, count - i) }, (_, k) => i + k)
    await Promise.all(
      batch.map((n) => {
        const rel = `${name}/part${Math.floor(n / 100)}/file${n}.txt`
        paths.push(rel)
        return writeFile(join(root, rel), `file ${n}\n`.padEnd(bytes, '.'))
      }),
    )
  }
  return paths
}

async function connected(server: Kit, options: Parameters<typeof kit>[0] = {}): Promise<Kit> {
  const status = await hostShare(server)
  const client = await kit(options)
  value(await client.service.handlers.connect({ host: '127.0.0.1', port: status.port ?? 0 }))
  return client
}

function recordEvents(k: Kit): TransferInfo[] {
  const seen: TransferInfo[] = []
  k.service.events.on('transfer', ({ transfer }) => seen.push(transfer))
  return seen
}

describe('folder downloads', () => {
  it('downloads a folder of 2,000 files as one job with few events, and again beside it', async () => {
    const server = await kit()
    const share = join(server.dir, 'share')
    const paths = await makeTree(share, 'photos', 2000)
    const client = await connected(server)
    const events = recordEvents(client)
    const out = join(client.dir, 'out')
    const began = Date.now()
    const ids = value(await client.service.handlers.download(['photos'], out)) as string[]
    const jobId = ids[0]
    expect(ids).toHaveLength(1)
    const [job] = await settled(client.service, ids)
    const seconds = (Date.now() - began) / 1000
    expect(job).toMatchObject({
      state: 'done',
      name: 'photos',
      localPath: join(out, 'photos'),
      files: { done: 2000, failed: 0, skipped: 0, total: 2000 },
      error: null,
    })
    expect(job?.bytes).toBe(2000 * 64)
    expect(events.filter((e) => e.id === jobId).length).toBeLessThanOrEqual(4 + Math.ceil(seconds * 4))
    for (const rel of [paths[0]!, paths[1999]!]) {
      expect(await readFile(join(out, rel))).toEqual(await readFile(join(share, rel)))
    }
    const page = value(await client.service.handlers.listTransferFiles(jobId!, 0, 2)) as TransferFilePage
    expect(page.total).toBe(500)
    expect(page.files[0]).toMatchObject({ state: 'done', size: 64, error: null })

    const again = value(await client.service.handlers.download(['photos'], out)) as string[]
    const [copy] = await settled(client.service, again)
    expect(copy).toMatchObject({ state: 'done', localPath: join(out, 'photos (2)'), files: { done: 2000 } })

    // Once the copies are deleted, the name is free again.
    await rm(join(out, 'photos'), { recursive: true })
    await rm(join(out, 'photos (2)'), { recursive: true })
    const third = value(await client.service.handlers.download(['photos'], out)) as string[]
    const [fresh] = await settled(client.service, third)
    expect(fresh).toMatchObject({ state: 'done', localPath: join(out, 'photos') })
  })

  it('cancels the whole job, and Retry moves only the files not done yet', async () => {
    const server = await kit()
    await makeTree(join(server.dir, 'share'), 'many', 3000)
    const client = await connected(server, { transferUpdateIntervalMs: 0 })
    const out = join(client.dir, 'out')
    const cancelled = nextEvent(client.service.events, 'transfer', ({ transfer: t }) => {
      if (t.state !== 'running' || (t.files?.done ?? 0) < 500) return false
      void client.service.handlers.cancelTransfer(t.id)
      return true
    })
    const [id = ''] = value(await client.service.handlers.download(['many'], out)) as string[]
    await cancelled
    const [stopped] = await settled(client.service, [id])
    expect(stopped).toMatchObject({ state: 'cancelled', error: null })
    const doneBefore = stopped?.files?.done ?? 0
    expect(doneBefore).toBeGreaterThanOrEqual(500)
    expect(doneBefore).toBeLessThan(3000)

    value(await client.service.handlers.retryTransfer(id))
    const [done] = await settled(client.service, [id])
    expect(done?.state).toBe('done')
    expect(done?.files?.total).toBe(3000)
    // Whatever was done before the cancel is skipped, not moved again.
    expect(done?.files?.skipped).toBeGreaterThanOrEqual(doneBefore)
    expect((done?.files?.done ?? 0) + (done?.files?.skipped ?? 0)).toBe(3000)
    expect((await readdir(join(out, 'many'))).length).toBe(30)
  })
  it('a cancelled download whose folder the user deleted frees its name for the next one', async () => {
    const server = await kit()
    await makeTree(join(server.dir, 'share'), 'many', 1000)
    const client = await connected(server, { transferUpdateIntervalMs: 0 })
    const out = join(client.dir, 'out')
    const cancelled = nextEvent(client.service.events, 'transfer', ({ transfer: t }) => {
      if (t.state !== 'running' || (t.files?.done ?? 0) < 100) return false
      void client.service.handlers.cancelTransfer(t.id)
      return true
    })
    const [id = ''] = value(await client.service.handlers.download(['many'], out)) as string[]
    await cancelled
    const [stopped] = await settled(client.service, [id])
    expect(stopped?.state).toBe('cancelled')
    await rm(join(out, 'many'), { recursive: true, force: true })
    const fresh = value(await client.service.handlers.download(['many'], out)) as string[]
    const [again] = await settled(client.service, fresh)
    expect(again).toMatchObject({ state: 'done', localPath: join(out, 'many'), files: { done: 1000 } })
  })
})

describe('folder uploads', () => {
  it('with stopOnError a folder upload stops at its first failed file; without, it goes on', async () => {
    const server = await kit()
    const client = await connected(server)
    const local = join(client.dir, 'local')
    const rels = await makeTree(local, 'album', 4000)
    const items = rels.map((relativePath) => ({ localPath: join(local, relativePath), relativePath }))
    // On the server a folder stands where the job's first file goes: that file fails IS_A_DIRECTORY.
    const share = join(server.dir, 'share')
    await mkdir(join(share, 'in', 'album', 'part0', 'file0.txt'), { recursive: true })
    const stopped = await client.service.uploadLocal(items, 'in', { stopOnError: true })
    const [first] = await settled(client.service, stopped)
    expect(first).toMatchObject({ state: 'failed', error: { code: 'IS_A_DIRECTORY' } })
    // What was already on its way when the failure came back still lands; nothing after that is sent.
    expect(first?.files?.done ?? 0).toBeLessThan(3000)
    const goesOn = await client.service.uploadLocal(items, 'in2')
    await mkdir(join(share, 'in2', 'album', 'part0', 'file0.txt'), { recursive: true })
    const [second] = await settled(client.service, goesOn)
    expect(second?.files).toMatchObject({ total: 4000 })
    expect((second?.files?.done ?? 0) + (second?.files?.failed ?? 0)).toBe(4000)
  })

  it('uploads the files of a dropped folder as one job and lists a file that failed', async () => {
    const server = await kit()
    const client = await connected(server)
    const local = join(client.dir, 'local')
    const rels = await makeTree(local, 'album', 300)
    const items = rels.map((relativePath) => ({ localPath: join(local, relativePath), relativePath }))
    // One file vanishes between planning and its upload: the job goes on and reports it.
    const missing = items[120]!
    const ids = await client.service.uploadLocal(items, 'in')
    await rm(missing.localPath)
    const [job] = await settled(client.service, ids)
    // Gone before the job read it (the usual case), or just after: either way at most one file fails.
    if (job?.state === 'failed') {
      expect(job).toMatchObject({
        remotePath: 'in/album',
        localPath: join(local, 'album'),
        files: { done: 299, failed: 1, total: 300 },
        error: {
          code: 'NOT_FOUND',
          message: expect.stringMatching(/^1 of 300 files failed: first NOT_FOUND/),
        },
      })
      const page = value(await client.service.handlers.listTransferFiles(ids[0]!, 0, 1)) as TransferFilePage
      expect(page.files[0]).toMatchObject({ path: 'in/album/part1/file120.txt', state: 'failed' })
    } else {
      expect(job).toMatchObject({ state: 'done', files: { done: 300 } })
    }
    const share = join(server.dir, 'share')
    expect(await readFile(join(share, 'in', rels[299]!), 'utf8')).toMatch(/^file 299\n/)
  })

  it('brings a folder upload interrupted by quitting back as Interrupted, and Resume finishes it', async () => {
    const server = await kit()
    const status = await hostShare(server)
    const dataDir = await mkdtemp(join(tmpdir(), 'ferry-folder-data-'))
    onTestFinished(() => rm(dataDir, { recursive: true, force: true }))
    const first = await kit({ dataDir, transferUpdateIntervalMs: 0 })
    const connect = (k: Kit) =>
      k.service.handlers.connect({ host: '127.0.0.1', port: status.port ?? 0 }).then(value)
    await connect(first)
    const local = join(server.dir, 'local')
    const rels = await makeTree(local, 'docs', 400)
    // Large ones too, so the quit lands while bytes move.
    for (let i = 0; i < 3; i++) {
      await writeFile(join(local, `docs/big${i}.bin`), randomBytes(16 * 1024 * 1024))
      rels.push(`docs/big${i}.bin`)
    }
    const items = rels.map((relativePath) => ({ localPath: join(local, relativePath), relativePath }))
    let quitting: Promise<void> | null = null
    const quit = nextEvent(first.service.events, 'transfer', ({ transfer: t }) => {
      if (t.state !== 'running' || (t.files?.done ?? 0) < 100 || t.bytes >= t.total) return false
      quitting = first.service.dispose()
      return true
    })
    const [id = ''] = await first.service.uploadLocal(items, '')
    await quit
    await quitting

    // What the first run had finished, as saved when it stopped: these must not move again.
    const saved = JSON.parse(await readFile(join(dataDir, 'transfer-jobs', `${id}.json`), 'utf8'))
    const doneBefore = new Set(saved.done as string[])
    expect(doneBefore.size).toBeGreaterThanOrEqual(100)

    const second = await kit({ dataDir })
    const [back, ...others] = value(await second.service.handlers.listTransfers()) as TransferInfo[]
    expect(others).toEqual([])
    expect(back).toMatchObject({
      id,
      remotePath: 'docs',
      state: 'failed',
      interrupted: true,
      error: { code: 'CANCELLED', message: expect.stringMatching(/^interrupted when Ferry closed with/) },
    })
    await connect(second)
    value(await second.service.handlers.retryTransfer(id))
    const [done] = await settled(second.service, [id])
    expect(done).toMatchObject({ state: 'done', files: { total: 403 } })
    expect(done?.files?.skipped).toBeGreaterThanOrEqual(back?.files?.done ?? 0)
    // Nothing the first run had done was uploaded again (that would leave a renamed copy beside it).
    const share = join(server.dir, 'share', 'docs')
    const names = (await readdir(share, { recursive: true })) as string[]
    const copies = names.filter((n) => / \(\d+\)/.test(n)).map((n) => `docs/${n.replace(/ \(\d+\)/, '')}`)
    expect(copies.filter((p) => doneBefore.has(p))).toEqual([])
    for (let i = 0; i < 3; i++) {
      const [sent, got] = await Promise.all([
        readFile(join(local, `docs/big${i}.bin`)),
        readFile(join(share, `big${i}.bin`)),
      ])
      expect(sent.equals(got), `big${i}.bin arrived unchanged`).toBe(true)
    }
  })
})
