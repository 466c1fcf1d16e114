// Uploads from a browser-mode page end to end (the bridge, the HTTP route, staging, the transfer queue, a real
// server): a job shows at once and counts what arrives, Cancel and a page going away leave nothing staged, many
// small files go in few requests, and the upload route takes bytes only from the page, in order, no more.
import { randomBytes } from 'node:crypto'
import { openAsBlob } from 'node:fs'
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TransferInfo } from '../../preload/api'
import type { BytesSender } from '../../renderer/src/lib/bridge-uploads'
import { UPLOAD_PATH, WINDOW_BYTES } from './bridge-protocol'
import type { TestHost } from './test-host'
import { startTestHost } from './test-host'

let kit: TestHost
beforeEach(async () => {
  kit = await startTestHost()
})
afterEach(async () => {
  await kit.close()
})

const origin = () => kit.origin()
const staging = () => kit.staging()
const share = () => kit.share()
const transferInfo = (id: string) => kit.transferInfo(id)
const hostAndConnect = (api: Parameters<TestHost['hostAndConnect']>[0]) => kit.hostAndConnect(api)
const bridge = (send?: BytesSender) => kit.bridge(send)
const gatedBridge = (after: number) => kit.gatedBridge(after)
const sender = () => kit.sender()

describe('uploads from the page', () => {
  it('shows a dropped file at once, counts the bytes as they arrive, and cancels while sending', async () => {
    const { api, meter } = gatedBridge(WINDOW_BYTES)
    try {
      await hostAndConnect(api)
      const size = 3 * WINDOW_BYTES
      const events: TransferInfo[] = []
      api.onTransferEvent(({ transfer }) => events.push(transfer))
      const started = await api.uploadFiles(
        [{ file: new File([randomBytes(size)], 'big.bin'), relativePath: 'big.bin' }],
        '',
      )
      const [id = ''] = (started as { value: string[] }).value
      // The job exists before any byte has arrived, sending, and Cancel is offered from there on.
      await expect
        .poll(() => events.find((t) => t.id === id))
        .toMatchObject({
          state: 'running',
          phase: 'sending',
          bytes: 0,
          total: size,
        })
      // The page's request stops after a window of bytes (held here): the job counts them as they come.
      await expect.poll(() => transferInfo(id)?.bytes).toBe(WINDOW_BYTES)

      expect(await api.cancelTransfer(id)).toEqual({ ok: true, value: null })
      expect(transferInfo(id)).toMatchObject({ state: 'cancelled', phase: 'sending', error: null })
      // The request was cut off and the page sent nothing more; nothing is staged, nothing on the server.
      await expect.poll(() => readdir(staging())).toEqual([])
      expect(meter.requests).toBe(1)
      const left = await readdir(share(), { recursive: true, withFileTypes: true })
      expect(left.filter((e) => e.isFile())).toEqual([])
      // Nothing of it is here to retry from: the files have to be dropped again.
      expect(await api.retryTransfer(id)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })
    } finally {
      api.close()
    }
  })

  it('sends a folder of 3,000 small files as one job in a dozen chunks, and it lands whole', async () => {
    let requests = 0
    const counted: BytesSender = (...args) => {
      requests++
      return sender()(...args)
    }
    const api = bridge(counted)
    try {
      await hostAndConnect(api)
      const items = Array.from({ length: 3000 }, (_, i) => ({
        file: new File([i % 500 === 0 ? '' : `file ${i}\n`], `f${i}.txt`),
        relativePath: `many/part${Math.floor(i / 1000)}/f${i}.txt`,
      }))
      items.push({ file: new File(['loose'], 'loose.txt'), relativePath: 'loose.txt' })
      const result = await api.uploadFiles(items, 'in')
      const ids = (result as { value: string[] }).value
      expect(ids).toHaveLength(2)
      const finals = await new Promise<TransferInfo[]>((resolve) => {
        const seen = new Map<string, TransferInfo>()
        api.onTransferEvent(({ transfer }) => {
          if (transfer.state === 'done' || transfer.state === 'failed') seen.set(transfer.id, transfer)
          if (seen.size === 2) resolve(ids.map((id) => seen.get(id)!))
        })
      })
      expect(finals.map((t) => [t.name, t.state, t.files?.done])).toEqual([
        ['many', 'done', 3000],
        ['loose.txt', 'done', undefined],
      ])
      // 3,000 files in one stream: requests of a few hundred files each, not one (or a call) per file.
      expect(requests).toBeLessThan(20)
      expect(await readFile(join(share(), 'in/many/part2/f2999.txt'), 'utf8')).toBe('file 2999\n')
      expect(await readFile(join(share(), 'in/many/part1/f1000.txt'), 'utf8')).toBe('')
      expect((await readdir(join(share(), 'in/many/part0'))).length).toBe(1000)
      expect(await readdir(staging())).toEqual([])
    } finally {
      api.close()
    }
  })

  it('fails the job of a page that goes away while sending, and of a file the page cannot read', async () => {
    const { api } = gatedBridge(WINDOW_BYTES)
    await hostAndConnect(api)
    const [id = ''] = (
      (await api.uploadFiles(
        [{ file: new File([randomBytes(2 * WINDOW_BYTES)], 'a.bin'), relativePath: 'a.bin' }],
        '',
      )) as { value: string[] }
    ).value
    await expect.poll(() => transferInfo(id)?.bytes).toBe(WINDOW_BYTES)
    api.close()
    await expect
      .poll(() => transferInfo(id))
      .toMatchObject({
        state: 'failed',
        phase: 'sending',
        error: { code: 'CONNECTION_CLOSED' },
      })
    await expect.poll(() => readdir(staging())).toEqual([])

    const again = bridge()
    try {
      // A file that changed since it was dropped cannot be read any more.
      const gone = join(kit.dir, 'gone.bin')
      await writeFile(gone, randomBytes(1000))
      const file = new File([await openAsBlob(gone)], 'gone.bin')
      await rm(gone)
      const [lost = ''] = (
        (await again.uploadFiles([{ file, relativePath: 'gone.bin' }], '')) as { value: string[] }
      ).value
      await expect
        .poll(() => transferInfo(lost))
        .toMatchObject({
          state: 'failed',
          phase: 'sending',
          error: {
            code: 'PERMISSION_DENIED',
            message: expect.stringMatching(/could not read a dropped file/),
          },
        })
      await expect.poll(() => readdir(staging())).toEqual([])
    } finally {
      again.close()
    }
  })
})

describe('the upload route', () => {
  function post(path: string, body: Uint8Array, headers: Record<string, string>) {
    return fetch(`${origin()}${path}`, { method: 'POST', body, headers }).then(async (r) => ({
      status: r.status,
      body: (await r.json().catch(() => null)) as unknown,
    }))
  }

  it('takes bytes only from the page with the token, for a stream it started, in order and no more', async () => {
    const keys: string[] = []
    const api = bridge((stream) => {
      keys.push(stream)
      return Promise.resolve(null)
    })
    try {
      await hostAndConnect(api)
      const auth = { origin: origin(), authorization: `Bearer ${kit.host.token}` }
      const nowhere = `${UPLOAD_PATH}${'0'.repeat(32)}?offset=0`
      expect((await post(nowhere, new Uint8Array(1), { authorization: auth.authorization })).status).toBe(403)
      expect((await post(nowhere, new Uint8Array(1), { ...auth, authorization: 'Bearer x' })).status).toBe(
        401,
      )
      expect((await post(`${UPLOAD_PATH}nope?offset=0`, new Uint8Array(1), auth)).status).toBe(400)
      expect(await post(nowhere, new Uint8Array(1), auth)).toEqual({
        status: 410,
        body: { code: 'CANCELLED', message: 'this upload is over' },
      })
      expect((await fetch(`${origin()}${nowhere}`, { headers: auth })).status).toBe(405)

      const [id = ''] = (
        (await api.uploadFiles([{ file: new File(['abcdef'], 'x.txt'), relativePath: 'x.txt' }], '')) as {
          value: string[]
        }
      ).value
      await expect.poll(() => keys).toHaveLength(1)
      const path = `${UPLOAD_PATH}${keys[0]}`
      expect(await post(`${path}?offset=2`, new Uint8Array(2), auth)).toMatchObject({
        status: 409,
        body: { code: 'OFFSET_INVALID' },
      })
      expect(await post(`${path}?offset=0`, new Uint8Array(3), auth)).toEqual({
        status: 200,
        body: { bytes: 3 },
      })
      expect(await post(`${path}?offset=3`, new Uint8Array(5), auth)).toMatchObject({
        status: 409,
        body: { code: 'SIZE_MISMATCH' },
      })
      expect(transferInfo(id)).toMatchObject({
        state: 'failed',
        phase: 'sending',
        error: { code: 'SIZE_MISMATCH' },
      })
      await expect.poll(() => readdir(staging())).toEqual([])
    } finally {
      api.close()
    }
  })
})
