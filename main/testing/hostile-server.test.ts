// A malicious server against the real client, property-based: whatever names, sizes and hashes it sends, the
// client writes nothing outside the target folder, nothing at all when a name is unsafe, and only files whose
// bytes it verified.
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FerryClient } from '../client'
import { startFakeServer, type FakeServer, type Frame } from '../client/test-server'
import { FerryError } from '../protocol/error-codes'
import { nameProblem } from '../protocol/paths'
import { sha256, tempDir } from './harness'

const HOSTILE = [
  '../evil',
  '..',
  '.',
  '/abs',
  '/etc/passwd',
  'C:\\evil',
  'C:evil',
  '\\\\srv\\s',
  'a/../../b',
  'a/b',
  'x\u0000y',
  'CON',
  '\uff0e\uff0e',
  'ok.ferry-part',
  '',
]
const FINE = ['a.txt', 'b.bin', 'notes', 'photo (1).jpg', 'été.txt']

interface Lie {
  listedSize: number // added to the real size in LIST
  getSize: number // added to the size in the GET response header
  badHash: boolean
}
interface File {
  name: string
  data: Buffer
  lie: Lie
}

const lie: fc.Arbitrary<Lie> = fc.record({
  listedSize: fc.constantFrom(0, 0, 0, 1, -1, 2 ** 40),
  getSize: fc.constantFrom(0, 0, 0, 1, -1),
  badHash: fc.constantFrom(false, false, false, true),
})
const files = fc.uniqueArray(
  fc.record({
    name: fc.oneof(fc.constantFrom(...FINE), fc.constantFrom(...HOSTILE)),
    data: fc.uint8Array({ maxLength: 2000 }).map((u) => Buffer.from(u)),
    lie,
  }),
  { minLength: 1, maxLength: 4, selector: (f) => f.name },
)

/** Serves one folder 'top' holding the given files, lying as told. */
function hostile(current: {
  files: File[]
}): (peer: Parameters<Parameters<typeof startFakeServer>[0]>[0]) => Promise<void> {
  return async (peer) => {
    peer.hello()
    for (;;) {
      const frame: Frame = await peer.read()
      const { id, op } = frame.header
      const p = String(frame.header['path'])
      const file = current.files.find((f) => `top/${f.name}` === p)
      if (op === 'STAT' && p === 'top') {
        peer.send({ re: id, ok: true, entry: { path: 'top', name: 'top', type: 'dir', size: 0, mtimeMs: 1 } })
      } else if (op === 'LIST' && p === 'top') {
        const entries = current.files.map((f) => ({
          name: f.name,
          type: 'file',
          size: listedSize(f),
          mtimeMs: 1,
        }))
        const body = Buffer.from(JSON.stringify(entries))
        peer.send({ re: id, ok: true, count: entries.length, body: body.length }, body)
      } else if (op === 'GET' && file) {
        const offset = typeof frame.header['offset'] === 'number' ? frame.header['offset'] : 0
        const body = file.data.subarray(offset)
        const size = getSize(file)
        peer.send({ re: id, ok: true, size, offset, mtimeMs: 1, body: body.length }, body)
        peer.send({
          re: id,
          ok: true,
          done: true,
          sha256: file.lie.badHash ? sha256(Buffer.from('other')) : sha256(file.data),
        })
      } else {
        peer.send({ re: id, ok: false, error: { code: 'NOT_FOUND', message: p } })
      }
    }
  }
}

const listedSize = (f: File): number => Math.max(0, f.data.length + f.lie.listedSize)
const getSize = (f: File): number => Math.max(0, f.data.length + f.lie.getSize)
/** Whether the GET answer for this file is a lie (a size of -1 on an empty file is still 0: no lie). */
const liesInGet = (f: File): boolean => f.lie.badHash || getSize(f) !== f.data.length

async function listAll(dir: string): Promise<string[]> {
  const entries = await fsp.readdir(dir, { withFileTypes: true, recursive: true })
  return entries.map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort()
}

describe('a malicious server', () => {
  const current: { files: File[] } = { files: [] }
  let server: FakeServer
  let client: FerryClient
  let base: string

  beforeAll(async () => {
    server = await startFakeServer(hostile(current))
    client = await FerryClient.connect({ host: '127.0.0.1', port: server.port })
    base = await tempDir('ferry-hostile-')
  })

  afterAll(async () => {
    await client.close()
    await server.close()
    await fsp.rm(base, { recursive: true, force: true })
  })

  it('never makes the client write outside the target, or anything it did not verify', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(files, async (served) => {
        current.files = served
        const work = path.join(base, `run-${run++}`)
        const target = path.join(work, 'copy')
        await fsp.mkdir(work)
        const outcome = await client.downloadTree('top', target, { retries: 0 }).then(
          () => null,
          (err: unknown) => err,
        )
        if (outcome !== null) expect(outcome).toBeInstanceOf(FerryError)
        const written = await listAll(work)
        // Nothing beside the target folder.
        expect(written.filter((p) => p !== 'copy' && !p.startsWith(`copy${path.sep}`))).toEqual([])
        const anyUnsafe = served.some((f) => nameProblem(f.name) !== null)
        if (anyUnsafe) {
          // PROTOCOL when the listing as a whole is malformed (an absurd size), PATH_INVALID for a bad name.
          expect(['PATH_INVALID', 'PROTOCOL']).toContain((outcome as FerryError | null)?.code)
          expect(written.filter((p) => p !== 'copy')).toEqual([])
        }
        // Every complete file present holds exactly what the server had, and was sent honestly.
        for (const rel of written.filter(
          (p) => p.startsWith(`copy${path.sep}`) && !p.endsWith('.ferry-part'),
        )) {
          const name = rel.slice('copy/'.length)
          const file = served.find((f) => f.name === name)
          expect(file, `unexpected local file ${rel}`).toBeDefined()
          expect(liesInGet(file!)).toBe(false)
          expect(sha256(await fsp.readFile(path.join(work, rel)))).toBe(sha256(file!.data))
        }
        const honest = served.every((f) => !liesInGet(f) && listedSize(f) === f.data.length)
        if (honest && !anyUnsafe) expect(outcome).toBeNull()
      }),
      { numRuns: 60 },
    )
    expect(server.errors).toEqual([])
  })
})
