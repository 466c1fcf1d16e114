import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TransferInfo } from '../../preload/api'
import type { JournalEntry, JournalJob } from './transfer-journal'
import {
  HISTORY_LIMIT,
  journalEntries,
  restoredJob,
  restoredTarget,
  TransferJournal,
  transferJournalFile,
} from './transfer-journal'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-journal-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function job(n: number, patch: Partial<TransferInfo> = {}, token?: string): JournalJob {
  const info: TransferInfo = {
    id: `id-${n}`,
    direction: 'upload',
    name: `f${n}.bin`,
    remotePath: `in/f${n}.bin`,
    localPath: `/tmp/f${n}.bin`,
    state: 'running',
    bytes: 1_500_000_000,
    total: 4_000_000_000,
    rate: 10,
    startedAt: 1000 + n,
    finishedAt: null,
    error: null,
    ...patch,
  }
  return {
    direction: 'upload',
    target: { host: 'nas.local', port: 7420, tls: true, fingerprint: 'AB:CD', ...(token ? { token } : {}) },
    localPath: `/tmp/f${n}.bin`,
    remotePath: `in/f${n}.bin`,
    interrupted: false,
    info,
  }
}

describe('journal entries', () => {
  it('keep every unfinished job and the newest finished ones, never a token', () => {
    const finished = Array.from({ length: HISTORY_LIMIT + 10 }, (_, i) =>
      job(i, { state: 'done', finishedAt: 5000 + i }),
    )
    const unfinished = [job(100, {}, 'secret-token'), job(101, { state: 'queued' })]
    const entries = journalEntries([...finished, ...unfinished])
    expect(entries.slice(0, 2).map((e) => e.id)).toEqual(['id-100', 'id-101'])
    const history = entries.slice(2)
    expect(history).toHaveLength(HISTORY_LIMIT)
    expect(history[0]?.id).toBe(`id-${HISTORY_LIMIT + 9}`)
    expect(history.at(-1)?.id).toBe('id-10')
    expect(entries[0]?.target).toEqual({ host: 'nas.local', port: 7420, tls: true, fingerprint: 'AB:CD' })
    expect(JSON.stringify(entries)).not.toContain('secret-token')
  })

  it('bring back what was moving (even after a crash) as failed and interrupted, and keep it so', () => {
    const [running, queued, userCancelled, failed, done] = journalEntries([
      job(1),
      job(2, { state: 'queued', bytes: 0 }),
      job(3, { state: 'cancelled', finishedAt: 9 }),
      job(4, { state: 'failed', finishedAt: 9, error: { code: 'NO_SPACE', message: 'disk full' } }),
      job(5, { state: 'done', finishedAt: 9, bytes: 4_000_000_000 }),
    ]) as JournalEntry[]
    const back = restoredJob(running!).info
    expect(back).toMatchObject({ state: 'failed', interrupted: true, rate: 0, bytes: 1_500_000_000 })
    expect(back.error).toEqual({
      code: 'CANCELLED',
      message: 'interrupted when Ferry closed at 1.50 GB of 4.00 GB: Resume continues from there',
    })
    expect(restoredJob(queued!).info.error?.message).toMatch(/before any bytes moved/)
    expect(restoredJob(userCancelled!).info).toMatchObject({ state: 'cancelled', error: null })
    expect(restoredJob(userCancelled!).info).not.toHaveProperty('interrupted')
    expect(restoredJob(failed!).info).toMatchObject({ state: 'failed', error: { code: 'NO_SPACE' } })
    expect(restoredJob(done!).info).toMatchObject({ state: 'done', name: 'f5.bin' })
    // Quit again without resuming: still interrupted on the next start, not a plain failure.
    const [again] = journalEntries([restoredJob(running!)])
    expect(restoredJob(again!).info).toMatchObject({ state: 'failed', interrupted: true })
  })

  it("borrow the window's token only for the same server, TLS and certificate", () => {
    const saved = { host: 'nas.local', port: 7420, tls: true, fingerprint: 'AB:CD' }
    const current = { ...saved, token: 't' }
    expect(restoredTarget(saved, current)).toBe(current)
    expect(restoredTarget(saved, null)).toBe(saved)
    expect(restoredTarget(saved, { ...current, port: 7421 })).toBe(saved)
    expect(restoredTarget(saved, { ...current, fingerprint: 'EF:01' })).toBe(saved)
    expect(restoredTarget(saved, { host: 'nas.local', port: 7420, token: 't' })).toBe(saved)
    const plain = { host: 'h', port: 1, tls: false }
    expect(restoredTarget(plain, { host: 'h', port: 1, token: 't' })).toMatchObject({ token: 't' })
  })
})

describe('TransferJournal', () => {
  it('writes a private file once for a burst of changes, and reads it back', async () => {
    const file = transferJournalFile(join(dir, 'data'))
    const jobs = [job(1)]
    const journal = new TransferJournal(file, { snapshot: () => journalEntries(jobs) })
    expect(await journal.load()).toEqual([])
    for (let i = 0; i < 1000; i++) journal.changed(i % 2 ? 'state' : 'progress')
    await journal.flush()
    expect(journal.writes).toBe(1)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    await journal.flush()
    expect(journal.writes).toBe(1)
    const reread = new TransferJournal(file, { snapshot: () => [] })
    expect(await reread.load()).toEqual(journalEntries(jobs))
  })

  it('writes by itself after a change, without waiting for a flush', async () => {
    const file = join(dir, 'transfers.json')
    const jobs = [job(1)]
    const journal = new TransferJournal(file, { snapshot: () => journalEntries(jobs), progressWriteMs: 0 })
    await journal.load()
    journal.changed('progress')
    await expect.poll(() => journal.writes).toBe(1)
    jobs.push(job(2))
    journal.changed('state')
    await expect.poll(() => journal.writes).toBe(2)
    expect(JSON.parse(await readFile(file, 'utf8')).transfers).toHaveLength(2)
  })

  it('does not write before it has loaded, so an early change never overwrites the saved list', async () => {
    const file = join(dir, 'transfers.json')
    const saved = journalEntries([job(1)])
    await writeFile(file, JSON.stringify({ version: 1, transfers: saved }))
    const journal = new TransferJournal(file, { snapshot: () => journalEntries([job(2)]) })
    journal.changed('state')
    await journal.flush()
    expect(journal.writes).toBe(0)
    expect(await journal.load()).toEqual(saved)
    await journal.flush()
    expect(JSON.parse(await readFile(file, 'utf8')).transfers[0].id).toBe('id-2')
  })

  it.each([
    ['not JSON', '{"version":1,'],
    ['a newer version', JSON.stringify({ version: 2, transfers: [] })],
    ['a bad entry', JSON.stringify({ version: 1, transfers: [{ id: '../x' }] })],
  ])('ignores %s with a warning', async (_what, text) => {
    const file = join(dir, 'transfers.json')
    await writeFile(file, text)
    const warnings: string[] = []
    const journal = new TransferJournal(file, { snapshot: () => [], warn: (m) => warnings.push(m) })
    expect(await journal.load()).toEqual([])
    expect(warnings).toEqual([expect.stringMatching(/ignored the transfer list/)])
  })

  it('warns instead of failing when the file cannot be read or written', async () => {
    const warnings: string[] = []
    // A file where the data folder should be: reading and writing both fail.
    await writeFile(join(dir, 'x'), '')
    const journal = new TransferJournal(join(dir, 'x', 'transfers.json'), {
      snapshot: () => [],
      warn: (m) => warnings.push(m),
    })
    expect(await journal.load()).toEqual([])
    journal.changed('state')
    await journal.flush()
    expect(journal.writes).toBe(0)
    expect(warnings).toEqual([
      expect.stringMatching(/could not read the transfer list/),
      expect.stringMatching(/could not save the transfer list/),
    ])
  })
})
