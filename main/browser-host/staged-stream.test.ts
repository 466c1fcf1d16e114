import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FerryError } from '../protocol/error-codes'
import { StagedStream } from './staged-stream'
import type { StagedFile } from './staged-stream'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-staged-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

// Empty files first, between and last: they get no bytes of their own, yet must exist.
const SIZES = [0, 5, 0, 1, 300, 0, 7, 0]

interface Run {
  stream: StagedStream
  files: StagedFile[]
  acks: number[]
  finished: Promise<void>
  failed: Promise<FerryError>
}

function start(folder: string, sizes = SIZES): Run {
  const files = sizes.map((size, i) => ({ path: join(folder, `f${i}.upload`), size }))
  const acks: number[] = []
  let finish = () => undefined as void
  let fail = (_e: FerryError) => undefined as void
  const finished = new Promise<void>((resolve) => (finish = resolve))
  const failed = new Promise<FerryError>((resolve) => (fail = resolve))
  const stream = new StagedStream(files, {
    written: (bytes) => acks.push(bytes),
    finished: () => finish(),
    failed: (error) => fail(error),
  })
  return { stream, files, acks, finished, failed }
}

async function contents(files: StagedFile[]): Promise<Buffer[]> {
  return Promise.all(files.map((f) => readFile(f.path)))
}

/** The expected content of each file: the stream's bytes cut at the file sizes. */
function cutAt(bytes: Buffer, sizes: number[]): Buffer[] {
  let at = 0
  return sizes.map((size) => bytes.subarray(at, (at += size)))
}

describe('staged stream', () => {
  it('writes every file whole wherever the chunks split, and acks what is on disk', async () => {
    const total = SIZES.reduce((a, b) => a + b, 0)
    const bytes = randomBytes(total)
    // Two chunks split at every offset, then even chunks of every size up to 40 bytes and one of everything.
    const splits: number[][] = []
    for (let cut = 0; cut <= total; cut++) splits.push([cut, total - cut].filter((n) => n > 0))
    for (let size = 1; size <= 40; size++) {
      splits.push(Array.from({ length: Math.ceil(total / size) }, (_, i) => Math.min(size, total - i * size)))
    }
    for (const [n, chunks] of splits.entries()) {
      const folder = join(dir, String(n))
      await mkdir(folder)
      const run = start(folder)
      let at = 0
      for (const length of chunks) {
        run.stream.write(bytes.subarray(at, at + length))
        at += length
      }
      await run.finished
      expect(await contents(run.files)).toEqual(cutAt(bytes, SIZES))
      // One ack a chunk at least (a slow chunk of many small files is reported as it goes), never backwards.
      expect(run.acks.at(-1)).toBe(total)
      expect(run.acks.length).toBeGreaterThanOrEqual(chunks.length)
      expect([...run.acks].sort((a, b) => a - b)).toEqual(run.acks)
      expect(run.stream.midFile).toBe(false)
    }
  })

  it('finishes a stream of empty files by itself', async () => {
    const run = start(dir, [0, 0])
    await run.finished
    expect(await contents(run.files)).toEqual([Buffer.alloc(0), Buffer.alloc(0)])
    expect(run.acks).toEqual([])
  })

  it('refuses more bytes than declared', () => {
    const run = start(dir, [3])
    expect(() => run.stream.write(Buffer.alloc(4))).toThrow(
      expect.objectContaining({ code: 'SIZE_MISMATCH' }),
    )
  })

  it('removes every file it made when aborted midway, and takes nothing more', async () => {
    const run = start(dir, [4, 10, 0, 6])
    run.stream.write(Buffer.alloc(9))
    expect(run.stream.midFile).toBe(true)
    await run.stream.abort()
    expect(await readdir(dir)).toEqual([])
    expect(() => run.stream.write(Buffer.alloc(1))).toThrow(expect.objectContaining({ code: 'CANCELLED' }))
  })

  it('reports a write that fails, with its code', async () => {
    const run = start(join(dir, 'missing'), [4])
    run.stream.write(Buffer.alloc(4))
    expect((await run.failed).code).toBe('NOT_FOUND')
    await run.stream.abort()
  })
})
