// @vitest-environment node
// Node's Blob and File read like the browser's (the page sends slices of what was dropped); jsdom's do not.
import { openAsBlob } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ApiError, IpcResult } from '../../../preload/api'
import { createUploader } from './bridge-uploads'
import type { UploadChannel } from './bridge-uploads'

// The renderer's test setup clears localStorage after each test; Node has none.
vi.stubGlobal('localStorage', { clear: () => undefined })

const MiB = 1024 * 1024

interface Sent {
  stream: string
  offset: number
  body: Blob | Uint8Array<ArrayBuffer>
  answer(error: ApiError | null): void
}

/** A host that answers upload.start with one stream per job and holds each POST until the test answers it. */
function fakeHost(jobs: Array<{ items: number[] }>) {
  const sent: Sent[] = []
  const calls: Array<[string, unknown[]]> = []
  const channel: UploadChannel = {
    call: <T>(method: string, ...args: unknown[]) => {
      calls.push([method, args])
      const value =
        method === 'upload.start'
          ? jobs.map((job, i) => ({ transferId: `t${i}`, stream: `s${i}`, items: job.items }))
          : null
      return Promise.resolve({ ok: true, value } as IpcResult<T>)
    },
    send: (stream, offset, body) =>
      new Promise((answer) => {
        sent.push({ stream, offset, body, answer })
      }),
  }
  return { channel, sent, calls }
}

async function bytesOf(body: Blob | Uint8Array<ArrayBuffer>): Promise<Buffer> {
  if (body instanceof Blob) return Buffer.from(await body.arrayBuffer())
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
}

const file = (size: number, name: string) => new File([Buffer.alloc(size, name.charCodeAt(0))], name)

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-bu-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('bridge uploads', () => {
  it('resolves once the jobs exist, then POSTs a big file whole and small files together, in order', async () => {
    const host = fakeHost([{ items: [0, 1, 2, 3, 4] }, { items: [5] }])
    const uploader = createUploader(host.channel)
    const items = [
      file(2 * MiB, 'a'),
      file(3, 'b'),
      file(0, 'e'),
      file(4, 'c'),
      file(3 * MiB, 'd'),
      file(5, 'f'),
    ].map((f) => ({ file: f, relativePath: `pics/${f.name}` }))
    items[5]!.relativePath = 'f'
    // Nothing sent has been answered yet: the jobs are there all the same.
    expect(await uploader.uploadFiles(items, 'in')).toEqual({ ok: true, value: ['t0', 't1'] })
    expect(host.calls[0]?.[1][0]).toEqual(
      items.map((i) => ({ relativePath: i.relativePath, size: i.file.size })),
    )

    // Two jobs side by side, each one request at a time.
    await vi.waitFor(() =>
      expect(host.sent.map((s) => [s.stream, s.offset])).toEqual([
        ['s0', 0],
        ['s1', 0],
      ]),
    )
    expect(host.sent[0]?.body).toBe(items[0]?.file)
    expect((await bytesOf(host.sent[1]!.body)).toString()).toBe('fffff')
    host.sent[0]?.answer(null)
    await vi.waitFor(() => expect(host.sent).toHaveLength(3))
    expect(host.sent[2]).toMatchObject({ stream: 's0', offset: 2 * MiB })
    expect((await bytesOf(host.sent[2]!.body)).toString()).toBe('bbbcccc')
    host.sent[2]?.answer(null)
    await vi.waitFor(() => expect(host.sent).toHaveLength(4))
    expect(host.sent[3]).toMatchObject({ stream: 's0', offset: 2 * MiB + 7, body: items[4]?.file })
    expect(host.calls.map(([method]) => method)).toEqual(['upload.start'])
  })

  it('stops a stream the host ended, and reports a request that was cut off', async () => {
    const host = fakeHost([{ items: [0, 1] }, { items: [2, 3] }])
    const uploader = createUploader(host.channel)
    const names = ['a', 'b', 'c', 'd']
    await uploader.uploadFiles(
      names.map((n) => ({ file: file(2 * MiB, n), relativePath: `${n}/x` })),
      '',
    )
    await vi.waitFor(() => expect(host.sent).toHaveLength(2))
    host.sent[0]?.answer({ code: 'CANCELLED', message: 'this upload is over' })
    host.sent[1]?.answer({ code: 'CONNECTION_CLOSED', message: 'the upload request was cut off' })
    await vi.waitFor(() => expect(host.calls).toHaveLength(2))
    // The host knows what it cancelled; a request cut off it is told about. Neither stream sends more.
    expect(host.calls[1]).toEqual([
      'upload.abort',
      ['s1', { code: 'CONNECTION_CLOSED', message: expect.stringMatching(/could not send a dropped file/) }],
    ])
    expect(host.sent).toHaveLength(2)
  })

  it('tells the host about a file it cannot read', async () => {
    const path = join(dir, 'gone.bin')
    await writeFile(path, Buffer.alloc(100))
    const gone = new File([await openAsBlob(path)], 'gone.bin')
    await rm(path)
    const host = fakeHost([{ items: [0, 1] }])
    const uploader = createUploader(host.channel)
    await uploader.uploadFiles(
      [
        { file: gone, relativePath: 'x/gone.bin' },
        { file: file(5, 'o'), relativePath: 'x/ok.txt' },
      ],
      '',
    )
    await vi.waitFor(() => expect(host.calls).toHaveLength(2))
    expect(host.calls[1]).toEqual([
      'upload.abort',
      ['s0', { code: 'PERMISSION_DENIED', message: expect.stringMatching(/^could not read a dropped file/) }],
    ])
    expect(host.sent).toEqual([])
  })
})
