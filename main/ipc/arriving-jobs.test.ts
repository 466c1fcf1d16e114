// Jobs whose files are still arriving (browser mode's 'sending' phase) in the transfer queue, against the scripted
// job engine: shown at once, counted as bytes arrive, queued once all have, cancelled through their sender, and
// kept out of the journal until their files are whole. The bridge end to end is in browser-host.test.ts.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { TransferInfo } from '../../preload/api'
import { FakeJobClient } from './fake-job-client'
import { ServiceEvents } from './service-events'
import { TransferJournal, transferJournalFile } from './transfer-journal'
import type { FolderJobSpec } from './transfer-service'
import { TransferService } from './transfer-service'

const target = { host: '127.0.0.1', port: 7420 }

let dir: string
let transfers: TransferService
let client: FakeJobClient
let seen: TransferInfo[]
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-arriving-'))
  client = new FakeJobClient()
  const events = new ServiceEvents()
  seen = []
  events.on('transfer', ({ transfer }) => seen.push(transfer))
  transfers = new TransferService(events, client.connector(), {
    updateIntervalMs: 0,
    journal: (snapshot) =>
      new TransferJournal(transferJournalFile(join(dir, 'data')), { snapshot, warn: () => undefined }),
  })
  await transfers.ready
})
afterEach(async () => {
  await transfers.dispose()
  await rm(dir, { recursive: true, force: true })
})

function folderUpload(name: string, count = 3): FolderJobSpec {
  return {
    kind: 'folder',
    direction: 'upload',
    target,
    remotePath: `in/${name}`,
    localPath: null,
    total: count * 10,
    files: Array.from({ length: count }, (_, i) => ({
      remote: `in/${name}/f${i}`,
      local: join(dir, 'staging', `${name}-${i}.upload`),
      size: 10,
    })),
    removeLocalWhenDone: true,
  }
}

async function journalIds(): Promise<string[]> {
  await (transfers as unknown as { journal: TransferJournal }).journal.flush()
  const text = await readFile(transferJournalFile(join(dir, 'data')), 'utf8').catch(() => '{"transfers":[]}')
  return (JSON.parse(text) as { transfers: Array<{ id: string }> }).transfers.map((t) => t.id)
}

describe('a job whose files are still arriving', () => {
  it('shows at once as sending, counts what arrives, then uploads from 0 once all is here', async () => {
    const stop = vi.fn()
    const { id, arrival } = transfers.enqueueArriving(folderUpload('pics'), stop)
    expect(seen.at(-1)).toMatchObject({ id, state: 'running', phase: 'sending', bytes: 0, total: 30 })
    arrival.progress({ bytes: 20, total: 30, rate: 100 })
    expect(seen.at(-1)).toMatchObject({ state: 'running', phase: 'sending', bytes: 20, rate: 100 })
    // Half-arrived copies cannot be resumed: neither the job nor its copies are kept for a restart yet.
    expect(await journalIds()).toEqual([])
    expect(transfers.stagedFiles()).toEqual([])

    arrival.arrived()
    await transfers.idle()
    expect(client.calls).toHaveLength(1)
    const final = transfers.list()[0]
    expect(final).toMatchObject({ id, state: 'done', files: { done: 3, total: 3 } })
    expect(final).not.toHaveProperty('phase')
    expect(seen.find((t) => t.state === 'queued')).toMatchObject({ id, bytes: 0 })
    expect(await journalIds()).toEqual([id])
    // Late news from the sender changes nothing.
    arrival.failed({ code: 'CONNECTION_CLOSED', message: 'gone' })
    expect(transfers.list()[0]?.state).toBe('done')
    expect(stop).not.toHaveBeenCalled()
  })

  it('cancels through its sender, fails with the sender, and is never retried or journaled', async () => {
    const stopA = vi.fn()
    const a = transfers.enqueueArriving(folderUpload('a'), stopA)
    transfers.cancel(a.id)
    expect(stopA).toHaveBeenCalledTimes(1)
    expect(transfers.list()[0]).toMatchObject({ id: a.id, state: 'cancelled', phase: 'sending', error: null })
    // The sender's own end after a cancel is ignored; a second cancel does not stop it twice.
    a.arrival.arrived()
    transfers.cancel(a.id)
    expect(stopA).toHaveBeenCalledTimes(1)
    expect(() => transfers.retry(a.id)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))

    const b = transfers.enqueueArriving(folderUpload('b'), vi.fn())
    b.arrival.failed({ code: 'CONNECTION_CLOSED', message: 'the page closed' })
    expect(transfers.list().find((t) => t.id === b.id)).toMatchObject({
      state: 'failed',
      phase: 'sending',
      error: { code: 'CONNECTION_CLOSED' },
    })

    const stopC = vi.fn()
    transfers.enqueueArriving(folderUpload('c'), stopC)
    await transfers.dispose()
    // Quitting stops a sender too; none of the three is saved for a restart.
    expect(stopC).toHaveBeenCalledTimes(1)
    expect(await journalIds()).toEqual([])
    expect(client.calls).toEqual([])
  })
})
