// The transfer list survives an app restart: a "restart" is disposing one FerryService mid-transfer and making a
// second one on the same data folder. A separate kit hosts the server on 127.0.0.1 throughout.
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import type { HostEvent, HostStatus, TransferInfo } from '../../preload/api'
import type { Kit } from './service-test-kit'
import { hostShare, kitsPerTest, nextEvent, settled, value } from './service-test-kit'
import { TRANSFER_JOURNAL_FILE } from './transfer-journal'

const kit = kitsPerTest()
const TOKEN = 'journal-test-token-0123456789'
const SIZE = 48 * 1024 * 1024

interface Setup {
  server: Kit
  status: HostStatus
  share: string
  dataDir: string
  journal: string
  /** The app before the restart: connected to the server, progress on every chunk. */
  first: Kit
}

/**
 * The client's data folder, shared by the app before and after the restart. Not inside a kit's folder: the kits
 * are cleaned up concurrently, and a service still saves its transfer list while it is disposed, so another kit
 * removing the folder at that moment fails the test (ENOTEMPTY). onTestFinished runs after every afterEach.
 */
async function clientDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-client-data-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  return dir
}

async function setup({ token, parallel }: { token?: string; parallel?: number } = {}): Promise<Setup> {
  const server = await kit()
  const status = await hostShare(server, token ? { token } : {})
  const dataDir = await clientDataDir()
  const first = await kit({
    dataDir,
    transferUpdateIntervalMs: 0,
    ...(parallel ? { parallelTransfers: parallel } : {}),
  })
  value(
    await first.service.handlers.connect({
      host: '127.0.0.1',
      port: status.port ?? 0,
      ...(token ? { token } : {}),
    }),
  )
  const journal = join(dataDir, TRANSFER_JOURNAL_FILE)
  return { server, status, share: join(server.dir, 'share'), dataDir, journal, first }
}

/** Quits the app (disposes the service) once the transfer is a third of the way in, and waits for the quit. */
async function quitMidway(k: Kit, id: string): Promise<void> {
  let quitting: Promise<void> | null = null
  await nextEvent(k.service.events, 'transfer', ({ transfer: t }) => {
    if (t.id !== id || t.state !== 'running' || t.bytes < t.total / 3 || t.bytes >= t.total) return false
    quitting = k.service.dispose()
    return true
  })
  await quitting
}

/** Where the server started each transfer of `path`: the resume offset. */
function serverStarts(server: Kit, path: string): number[] {
  const offsets: number[] = []
  server.service.events.on('host', (e: HostEvent) => {
    if (e.type === 'transfer' && e.path === path && e.state === 'started') offsets.push(e.bytes)
  })
  return offsets
}

async function transfers(k: Kit): Promise<TransferInfo[]> {
  return value(await k.service.handlers.listTransfers()) as TransferInfo[]
}

describe('transfers interrupted by quitting the app', () => {
  it('brings a download back as interrupted, and Retry resumes it to the same bytes', async () => {
    const { server, status, share, dataDir, journal, first } = await setup()
    const data = randomBytes(SIZE)
    await mkdir(share, { recursive: true })
    await writeFile(join(share, 'movie.bin'), data)
    const out = join(server.dir, 'down')
    const [id = ''] = value(await first.service.handlers.download(['movie.bin'], out)) as string[]
    await quitMidway(first, id)
    expect((await stat(journal)).mode & 0o777).toBe(0o600)

    const second = await kit({ dataDir })
    const [back, ...others] = await transfers(second)
    expect(others).toEqual([])
    expect(back).toMatchObject({
      id,
      direction: 'download',
      remotePath: 'movie.bin',
      localPath: join(out, 'movie.bin'),
      state: 'failed',
      interrupted: true,
      total: SIZE,
      error: { code: 'CANCELLED', message: expect.stringMatching(/^interrupted when Ferry closed at .* MB/) },
    })
    expect(back?.bytes).toBeGreaterThan(0)

    const starts = serverStarts(server, 'movie.bin')
    value(await second.service.handlers.connect({ host: '127.0.0.1', port: status.port ?? 0 }))
    value(await second.service.handlers.retryTransfer(id))
    const [done] = await settled(second.service, [id])
    expect(done).toMatchObject({ state: 'done', bytes: SIZE, error: null })
    expect(done).not.toHaveProperty('interrupted')
    expect((await readFile(join(out, 'movie.bin'))).equals(data)).toBe(true)
    // The second run began where the first stopped: it moved fewer bytes than the file has.
    expect(starts).toHaveLength(1)
    expect(starts[0]).toBeGreaterThan(0)
    expect(starts[0]).toBeLessThan(SIZE)
  })

  it('brings an upload back without its token, asks to connect first, then resumes it', async () => {
    const { server, status, share, dataDir, journal, first } = await setup({ token: TOKEN })
    const data = randomBytes(SIZE)
    const local = join(server.dir, 'local', 'big.bin')
    await mkdir(join(local, '..'), { recursive: true })
    await writeFile(local, data)
    const [id = ''] = value(
      await first.service.handlers.uploadFiles([{ localPath: local, relativePath: 'big.bin' }], 'in'),
    ) as string[]
    await quitMidway(first, id)
    const text = await readFile(journal, 'utf8')
    expect(text).toContain('in/big.bin')
    expect(text).not.toContain(TOKEN)

    const second = await kit({ dataDir })
    expect(await transfers(second)).toMatchObject([
      { id, direction: 'upload', state: 'failed', interrupted: true, localPath: local },
    ])
    // Not connected: the server wants its token, and the message says how to give it one.
    value(await second.service.handlers.retryTransfer(id))
    const [refused] = await settled(second.service, [id])
    expect(refused).toMatchObject({
      state: 'failed',
      error: { code: 'AUTH_REQUIRED', message: expect.stringMatching(/connect to it first/) },
    })

    const starts = serverStarts(server, 'in/big.bin')
    value(await second.service.handlers.connect({ host: '127.0.0.1', port: status.port ?? 0, token: TOKEN }))
    value(await second.service.handlers.retryTransfer(id))
    const [done] = await settled(second.service, [id])
    expect(done).toMatchObject({ state: 'done', bytes: SIZE, remotePath: 'in/big.bin' })
    expect((await readFile(join(share, 'in/big.bin'))).equals(data)).toBe(true)
    expect(starts).toHaveLength(1)
    expect(starts[0]).toBeGreaterThan(0)
    expect(starts[0]).toBeLessThan(SIZE)
    // What the quit leaves on disk, not a write still pending: the token was used, yet never saved.
    await second.service.dispose()
    expect(await readFile(journal, 'utf8')).not.toContain(TOKEN)
  })
})

describe('the saved transfer list', () => {
  it('keeps finished transfers as history and forgets them on Clear finished', async () => {
    const { server, dataDir, journal, first } = await setup()
    const local = join(server.dir, 'small.txt')
    await writeFile(local, 'hello')
    const ids = value(
      await first.service.handlers.uploadFiles([{ localPath: local, relativePath: 'small.txt' }], ''),
    ) as string[]
    const [done] = await settled(first.service, ids)
    await first.service.dispose()

    const second = await kit({ dataDir })
    expect(await transfers(second)).toEqual([done])
    expect(value(await second.service.handlers.clearFinishedTransfers())).toBe(1)
    expect(await transfers(second)).toEqual([])
    await second.service.dispose()
    expect(JSON.parse(await readFile(journal, 'utf8'))).toEqual({ version: 1, transfers: [] })
    expect(await transfers(await kit({ dataDir }))).toEqual([])
  })

  it('ignores a damaged file with a warning, and replaces it on the next change', async () => {
    const server = await kit()
    const dataDir = await clientDataDir()
    const journal = join(dataDir, TRANSFER_JOURNAL_FILE)
    await writeFile(journal, '{"version":1,"transfers":[{"id":"x"')
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const k = await kit({ dataDir })
    try {
      expect(await transfers(k)).toEqual([])
      expect(warned).toHaveBeenCalledWith(expect.stringMatching(/ignored the transfer list/))
    } finally {
      warned.mockRestore()
    }
    const status = await hostShare(server)
    value(await k.service.handlers.connect({ host: '127.0.0.1', port: status.port ?? 0 }))
    const local = join(server.dir, 'a.txt')
    await writeFile(local, 'a')
    await settled(
      k.service,
      value(
        await k.service.handlers.uploadFiles([{ localPath: local, relativePath: 'a.txt' }], ''),
      ) as string[],
    )
    await k.service.dispose()
    expect(JSON.parse(await readFile(journal, 'utf8'))).toMatchObject({
      version: 1,
      transfers: [{ state: 'done', remotePath: 'a.txt' }],
    })
  })

  it('brings back staged browser uploads only while their staged copy exists', async () => {
    const { server, dataDir, journal, first } = await setup({ parallel: 1 })
    const staged = await Promise.all(
      ['kept', 'gone'].map(async (name) => {
        const path = join(server.dir, `${name}.upload`)
        await writeFile(path, randomBytes(SIZE))
        return path
      }),
    )
    const ids = await first.service.uploadLocal(
      staged.map((localPath, i) => ({ localPath, relativePath: `s${i}.bin` })),
      '',
      { removeLocalWhenDone: true },
    )
    // One at a time: quit while the first is moving and the second waits.
    await quitMidway(first, ids[0] ?? '')
    await rm(staged[1] ?? '')

    const second = await kit({ dataDir })
    const back = await transfers(second)
    expect(back.map((t) => [t.id, t.localPath, t.state, t.interrupted])).toEqual([
      [ids[0], staged[0], 'failed', true],
    ])
    // Clearing it deletes the staged copy nobody can resume any more.
    expect(value(await second.service.handlers.clearFinishedTransfers())).toBe(1)
    await expect(stat(staged[0] ?? '')).rejects.toMatchObject({ code: 'ENOENT' })
    await second.service.dispose()
    expect(JSON.parse(await readFile(journal, 'utf8'))).toEqual({ version: 1, transfers: [] })
  })
})
