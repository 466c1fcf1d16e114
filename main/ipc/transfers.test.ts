import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { HostEvent, HostStatus, TransferInfo } from '../../preload/api'
import type { Kit } from './service-test-kit'
import { makeKit, nextEvent, settled, value } from './service-test-kit'

let kit: Kit
let share: string
beforeEach(async () => {
  // Progress on every chunk, so a test can act in the middle of a transfer.
  kit = await makeKit({ transferUpdateIntervalMs: 0 })
  share = join(kit.dir, 'share')
  const status = value(
    await kit.service.handlers.startHost({ port: 0, root: share, bindAll: false }),
  ) as HostStatus
  value(await kit.service.handlers.connect({ host: '127.0.0.1', port: status.port }))
})
afterEach(async () => {
  await kit.cleanup()
})

async function localFile(name: string, bytes: Buffer): Promise<string> {
  const path = join(kit.dir, 'local', name)
  await mkdir(join(path, '..'), { recursive: true })
  await writeFile(path, bytes)
  return path
}

describe('uploads and downloads through the queue', () => {
  it('uploads files keeping their folders, then downloads a folder and a file', async () => {
    const { service } = kit
    const a = randomBytes(300_000)
    const b = randomBytes(1_234)
    const items = [
      { localPath: await localFile('a.bin', a), relativePath: 'pics/2024/a.bin' },
      { localPath: await localFile('b.txt', b), relativePath: 'b.txt' },
    ]
    const ids = value(await service.handlers.uploadFiles(items, 'inbox')) as string[]
    expect(ids).toHaveLength(2)
    const infos = await settled(service, ids)
    // The file under a folder is that folder's job; the plain file its own.
    expect(infos.map((t) => [t.state, t.remotePath, t.bytes, t.error, t.files])).toEqual([
      ['done', 'inbox/pics', a.length, null, { done: 1, failed: 0, skipped: 0, total: 1 }],
      ['done', 'inbox/b.txt', b.length, null, undefined],
    ])
    expect((await readFile(join(share, 'inbox/pics/2024/a.bin'))).equals(a)).toBe(true)
    expect((await readFile(join(share, 'inbox/b.txt'))).equals(b)).toBe(true)

    const out = join(kit.dir, 'out')
    const down = value(await service.handlers.download(['inbox/pics', 'inbox/b.txt'], out)) as string[]
    expect(down).toHaveLength(2)
    const [pics, file] = await settled(service, down)
    expect(pics).toMatchObject({
      state: 'done',
      localPath: join(out, 'pics'),
      bytes: a.length,
      files: { done: 1, total: 1 },
    })
    expect(file).toMatchObject({ state: 'done', localPath: join(out, 'b.txt') })
    expect((await readFile(join(out, 'pics/2024/a.bin'))).equals(a)).toBe(true)
    expect((await readFile(join(out, 'b.txt'))).equals(b)).toBe(true)

    // Downloading again never overwrites: the copy gets a numbered name.
    const again = value(await service.handlers.download(['inbox/b.txt'], out)) as string[]
    const [copy] = await settled(service, again)
    expect(copy?.localPath).toBe(join(out, 'b (2).txt'))
    expect((await readFile(join(out, 'b (2).txt'))).equals(b)).toBe(true)
    expect(value(await service.handlers.listTransfers())).toHaveLength(5)
  })

  it('does not overwrite a remote file on upload', async () => {
    const { service } = kit
    await mkdir(share, { recursive: true })
    await writeFile(join(share, 'same.txt'), 'old')
    const ids = value(
      await service.handlers.uploadFiles(
        [{ localPath: await localFile('s', Buffer.from('new')), relativePath: 'same.txt' }],
        '',
      ),
    ) as string[]
    const [info] = await settled(service, ids)
    expect(info).toMatchObject({ state: 'done', remotePath: 'same (2).txt', name: 'same (2).txt' })
    expect(await readFile(join(share, 'same.txt'), 'utf8')).toBe('old')
  })

  it('refuses missing local files and names outside the share before queueing anything', async () => {
    const { service } = kit
    const ok = await localFile('ok.txt', Buffer.from('x'))
    const missing = await service.handlers.uploadFiles(
      [
        { localPath: ok, relativePath: 'ok.txt' },
        { localPath: join(kit.dir, 'nope'), relativePath: 'nope' },
      ],
      '',
    )
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    const escape = await service.handlers.uploadFiles([{ localPath: ok, relativePath: '../ok.txt' }], '')
    expect(escape).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })
    expect(value(await service.handlers.listTransfers())).toEqual([])
  })

  it('runs at most three transfers at once', async () => {
    const { service } = kit
    const items = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => ({
        localPath: await localFile(`f${i}`, randomBytes(200_000)),
        relativePath: `f${i}.bin`,
      })),
    )
    let running = 0
    let most = 0
    service.events.on('transfer', ({ transfer }) => {
      running = service.transfers.list().filter((t) => t.state === 'running').length
      most = Math.max(most, running)
      expect(transfer.id).toBeTruthy()
    })
    const ids = value(await service.handlers.uploadFiles(items, '')) as string[]
    const infos = await settled(service, ids)
    expect(infos.every((t) => t.state === 'done')).toBe(true)
    expect(most).toBe(3)
  })
})

describe('cancel and retry', () => {
  function cancelMidway(id: string): Promise<TransferInfo> {
    return nextEvent(kit.service.events, 'transfer', ({ transfer: t }) => {
      // A third of the way in: far enough that the other side has surely stored some bytes, not yet done.
      if (t.id !== id || t.state !== 'running' || t.bytes < t.total / 3 || t.bytes >= t.total) return false
      void kit.service.handlers.cancelTransfer(id)
      return true
    }).then(({ transfer }) => transfer)
  }

  function serverStarts(path: string): HostEvent[] {
    const seen: HostEvent[] = []
    kit.service.events.on('host', (e) => {
      if (e.type === 'transfer' && e.path === path && e.state === 'started') seen.push(e)
    })
    return seen
  }

  it('cancels a running upload and resumes it on retry', async () => {
    const { service } = kit
    const data = randomBytes(48 * 1024 * 1024)
    const starts = serverStarts('big.bin')
    const [id = ''] = value(
      await service.handlers.uploadFiles(
        [{ localPath: await localFile('big.bin', data), relativePath: 'big.bin' }],
        '',
      ),
    ) as string[]
    await cancelMidway(id)
    const [cancelled] = await settled(service, [id])
    expect(cancelled).toMatchObject({ state: 'cancelled', error: null })

    expect(await service.handlers.retryTransfer(id)).toEqual({ ok: true, value: null })
    const [done] = await settled(service, [id])
    expect(done).toMatchObject({ state: 'done', bytes: data.length })
    expect((await readFile(join(share, 'big.bin'))).equals(data)).toBe(true)
    // The server saw the retry start where the first attempt had stopped.
    expect(starts.length).toBeGreaterThanOrEqual(2)
    expect((starts.at(-1) as { bytes: number }).bytes).toBeGreaterThan(0)
  })

  it('cancels a running download, keeps the partial, and resumes on retry', async () => {
    const { service } = kit
    const data = randomBytes(48 * 1024 * 1024)
    await mkdir(share, { recursive: true })
    await writeFile(join(share, 'movie.bin'), data)
    const starts = serverStarts('movie.bin')
    const out = join(kit.dir, 'down')
    const [id = ''] = value(await service.handlers.download(['movie.bin'], out)) as string[]
    await cancelMidway(id)
    expect((await settled(service, [id]))[0]?.state).toBe('cancelled')
    const partial = (await readdir(out)).find((n) => n.startsWith('movie.bin.'))
    expect(partial).toBeDefined()
    expect((await stat(join(out, partial ?? ''))).size).toBeGreaterThan(0)

    value(await service.handlers.retryTransfer(id))
    expect((await settled(service, [id]))[0]).toMatchObject({ state: 'done', bytes: data.length })
    expect((await readFile(join(out, 'movie.bin'))).equals(data)).toBe(true)
    expect((starts.at(-1) as { bytes: number }).bytes).toBeGreaterThan(0)
  })

  it('cancels queued transfers at once and refuses to retry a finished one', async () => {
    const { service } = kit
    const items = await Promise.all(
      Array.from({ length: 5 }, async (_, i) => ({
        localPath: await localFile(`q${i}`, randomBytes(1000)),
        relativePath: `q${i}`,
      })),
    )
    const ids = value(await service.handlers.uploadFiles(items, '')) as string[]
    const last = ids.at(-1) ?? ''
    value(await service.handlers.cancelTransfer(last))
    const infos = await settled(service, ids)
    expect(infos.map((t) => t.state)).toEqual(['done', 'done', 'done', 'done', 'cancelled'])
    expect(await service.handlers.retryTransfer(ids[0] ?? '')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    })
    expect(await service.handlers.cancelTransfer('no-such-id')).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    })
  })
})
