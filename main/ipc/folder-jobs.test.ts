// Folder jobs in the transfer queue, against a scripted job engine (fake-job-client.ts): one job per folder,
// events per job a few a second however many files, failures listed first, cancel and resume as a whole, and the
// journal writing a job's files on state changes only. Real-socket runs are in folder-jobs-server.test.ts.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TransferInfo } from '../../preload/api'
import { FakeJobClient } from './fake-job-client'
import { RECENT_FILES } from './file-ledger'
import { ServiceEvents } from './service-events'
import { TransferJournal, transferJournalFile } from './transfer-journal'
import type { FolderJobSpec, TransferServiceOptions } from './transfer-service'
import { TransferService, UPDATE_INTERVAL_MS } from './transfer-service'

const target = { host: '127.0.0.1', port: 7420 }

let dir: string
let services: TransferService[]
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-folder-jobs-'))
  services = []
})
afterEach(async () => {
  await Promise.all(services.map((s) => s.dispose()))
  await rm(dir, { recursive: true, force: true })
})

function start(client: FakeJobClient, options: TransferServiceOptions = {}) {
  const events = new ServiceEvents()
  const seen: TransferInfo[] = []
  events.on('transfer', ({ transfer }) => seen.push(transfer))
  const transfers = new TransferService(events, client.connector(), options)
  services.push(transfers)
  return { transfers, seen }
}

function withJournal(): TransferServiceOptions {
  return {
    journal: (snapshot) =>
      new TransferJournal(transferJournalFile(join(dir, 'data')), { snapshot, warn: () => undefined }),
  }
}

function folderDownload(remotePath = 'photos'): FolderJobSpec {
  return {
    kind: 'folder',
    direction: 'download',
    target,
    remotePath,
    localPath: join(dir, 'out', remotePath),
    total: 0,
    files: null,
  }
}

function only(transfers: TransferService): TransferInfo {
  const [info, ...rest] = transfers.list()
  expect(rest).toEqual([])
  return info!
}

describe('a folder of 10,000 files', () => {
  it('is one job whose events come a few a second, not one per file', async () => {
    const client = new FakeJobClient({ count: 10_000, size: 10 })
    const { transfers, seen } = start(client)
    const began = Date.now()
    const [id] = transfers.enqueue([folderDownload()])
    await transfers.idle()
    const seconds = (Date.now() - began) / 1000
    expect(only(transfers)).toMatchObject({
      id,
      state: 'done',
      name: 'photos',
      bytes: 100_000,
      total: 100_000,
      error: null,
      files: { done: 10_000, failed: 0, skipped: 0, total: 10_000 },
    })
    // queued, running, done, and throttled progress in between.
    expect(seen.length).toBeLessThanOrEqual(3 + Math.ceil((seconds * 1000) / UPDATE_INTERVAL_MS))
    expect(client.calls).toMatchObject([
      { method: 'downloadTree', remotePath: 'photos', localDir: join(dir, 'out', 'photos') },
    ])
    expect(client.calls[0]?.options).toMatchObject({
      overwrite: false,
      progressIntervalMs: UPDATE_INTERVAL_MS,
    })
    // Only the latest few hundred settled files are kept for listing, newest first.
    const page = transfers.listFiles(id!, 0, 3)
    expect(page.total).toBe(RECENT_FILES)
    expect(page.files.map((f) => f.path)).toEqual([
      'photos/d9/f9999.txt',
      'photos/d9/f9998.txt',
      'photos/d9/f9997.txt',
    ])
    expect(transfers.listFiles(id!, RECENT_FILES - 1, 10).files.map((f) => f.path)).toEqual([
      `photos/d9/f${10_000 - RECENT_FILES}.txt`,
    ])
  })

  it('fails as a whole when files fail, lists the failures first, and Retry moves only those', async () => {
    const broken = new Set([17, 4000, 9999])
    const client = new FakeJobClient({ count: 10_000, fail: (_f, i) => (broken.has(i) ? 'NOT_FOUND' : null) })
    const { transfers } = start(client)
    const [id = ''] = transfers.enqueue([folderDownload()])
    await transfers.idle()
    const failed = only(transfers)
    expect(failed).toMatchObject({
      state: 'failed',
      files: { done: 9_997, failed: 3, skipped: 0, total: 10_000 },
      error: {
        code: 'NOT_FOUND',
        message:
          '3 of 10,000 files failed: first NOT_FOUND photos/d0/f17.txt: NOT_FOUND for photos/d0/f17.txt',
      },
    })
    const page = transfers.listFiles(id, 0, 4)
    expect(page.total).toBe(3 + RECENT_FILES)
    expect(page.files.map((f) => [f.path, f.state, f.error?.code ?? null])).toEqual([
      ['photos/d0/f17.txt', 'failed', 'NOT_FOUND'],
      ['photos/d4/f4000.txt', 'failed', 'NOT_FOUND'],
      ['photos/d9/f9999.txt', 'failed', 'NOT_FOUND'],
      ['photos/d9/f9998.txt', 'done', null],
    ])

    client.script.fail = () => null
    transfers.retry(id)
    await transfers.idle()
    const skip = client.calls[1]?.options.skip
    expect(skip?.size).toBe(9_997)
    expect(skip?.has('photos/d0/f17.txt')).toBe(false)
    expect(only(transfers)).toMatchObject({
      state: 'done',
      error: null,
      files: { done: 3, failed: 0, skipped: 9_997, total: 10_000 },
    })
    expect(transfers.listFiles(id, 0, 1000).files.filter((f) => f.state === 'failed')).toEqual([])
  })
})

describe('cancel and resume', () => {
  it('cancels the whole job, and Retry skips what was done before the cancel', async () => {
    let release = () => undefined as void
    const client = new FakeJobClient({ count: 1000, holdAt: 600, hold: new Promise((r) => (release = r)) })
    const { transfers } = start(client)
    const held = new Promise<void>((resolve) => (client.onHold = resolve))
    const [id = ''] = transfers.enqueue([folderDownload()])
    await held
    transfers.cancel(id)
    await transfers.idle()
    expect(only(transfers)).toMatchObject({ state: 'cancelled', error: null })

    client.script.holdAt = undefined
    release()
    transfers.retry(id)
    await transfers.idle()
    expect(client.calls[1]?.options.skip?.size).toBe(600)
    expect(only(transfers)).toMatchObject({ state: 'done', files: { done: 400, skipped: 600, total: 1000 } })
  })
})

describe('folder jobs in the journal', () => {
  it('saves a job files on state changes only, and brings an interrupted job back to resume', async () => {
    const client = new FakeJobClient({ count: 5000, holdAt: 3000, hold: new Promise(() => undefined) })
    const first = start(client, withJournal())
    await first.transfers.ready
    const held = new Promise<void>((resolve) => (client.onHold = resolve))
    const [id = ''] = first.transfers.enqueue([folderDownload()])
    await held
    await first.transfers.dispose()

    const journal = JSON.parse(await readFile(transferJournalFile(join(dir, 'data')), 'utf8'))
    expect(journal.transfers).toMatchObject([{ id, remotePath: 'photos', files: { total: 5000 } }])
    // The journal entry is one small record, whatever the job's size; the files live beside it.
    expect(JSON.stringify(journal).length).toBeLessThan(2000)
    const saved = JSON.parse(await readFile(join(dir, 'data', 'transfer-jobs', `${id}.json`), 'utf8'))
    expect(saved.done).toHaveLength(3000)

    const again = new FakeJobClient({ count: 5000 })
    const second = start(again, withJournal())
    await second.transfers.ready
    expect(only(second.transfers)).toMatchObject({
      id,
      state: 'failed',
      interrupted: true,
      files: { done: 3000, total: 5000 },
      error: {
        code: 'CANCELLED',
        message: 'interrupted when Ferry closed with 3,000 of 5,000 files done: Resume moves the rest',
      },
    })
    second.transfers.retry(id)
    await second.transfers.idle()
    expect(again.calls[0]?.options.skip?.size).toBe(3000)
    expect(only(second.transfers)).toMatchObject({ state: 'done', files: { done: 2000, skipped: 3000 } })
  })

  it('writes an upload job file list once when queued, not per file', async () => {
    const files = Array.from({ length: 2000 }, (_, i) => ({
      remote: `in/pics/p${i}.jpg`,
      local: join(dir, 'pics', `p${i}.jpg`),
      size: 5,
    }))
    const client = new FakeJobClient()
    const { transfers } = start(client, withJournal())
    await transfers.ready
    const [id = ''] = transfers.enqueue([
      {
        kind: 'folder',
        direction: 'upload',
        target,
        remotePath: 'in/pics',
        localPath: null,
        total: 10_000,
        files,
      },
    ])
    await transfers.idle()
    await transfers.dispose()
    expect(client.calls[0]).toMatchObject({ method: 'uploadFiles', files, options: { mode: 'rename' } })
    expect(only(transfers)).toMatchObject({ id, state: 'done', files: { done: 2000 } })
    // Queued: the file list; done: the job's files forgotten. Nothing in between.
    const store = (transfers as unknown as { journal: TransferJournal }).journal.files
    expect(store.writes).toBe(2)
    await expect(readFile(join(dir, 'data', 'transfer-jobs', `${id}.json`))).rejects.toMatchObject({
      code: 'ENOENT',
    })
  })
})
