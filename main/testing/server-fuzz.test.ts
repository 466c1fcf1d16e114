// Property-based fuzzing of the real server over a raw socket: random sequences of well-formed, half-formed and
// hostile requests. Whatever arrives, the server never logs an internal error, never writes outside the share,
// answers in order or closes the connection, and keeps serving everyone else.
import { once } from 'node:events'
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { encodeHeader } from '../protocol/frame-codec'
import { FerryServer } from '../server'
import { expectServing, sha256, tempDir } from './harness'
import { TestPeer } from '../server/test-peer'

const OPS = [
  'AUTH',
  'PING',
  'LIST',
  'STAT',
  'GET',
  'PUT',
  'DATA',
  'CANCEL',
  'MKDIR',
  'DELETE',
  'RENAME',
  'NOPE',
]
const weird = fc.constantFrom(undefined, null, true, -1, 0, 1.5, 2 ** 53, '7', [], {})
/** Mostly plausible values so requests get deep into the server, sometimes hostile ones. */
const usually = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 8, arbitrary: good }, { weight: 1, arbitrary: weird })
const wirePath = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('', 'a', 'a/b', 'f.txt', 'a/f.txt', 'g.bin') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '../x',
      '/etc/passwd',
      'C:\\x',
      '.ferry/partial',
      'a//b',
      'con',
      'a/../..',
      '\uff0e\uff0e',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
)
const header = fc.record(
  {
    op: fc.constantFrom(...OPS),
    id: usually(fc.integer({ min: 1, max: 1000 })),
    path: usually(wirePath),
    from: usually(wirePath),
    to: usually(wirePath),
    size: usually(fc.nat({ max: 3000 })),
    offset: usually(fc.nat({ max: 10 })),
    sha256: usually(fc.oneof(fc.constant(sha256(Buffer.alloc(0))), fc.stringMatching(/^[0-9a-f]{64}$/))),
    mode: usually(fc.constantFrom('fail', 'overwrite', 'rename')),
    parents: fc.boolean(),
    recursive: fc.boolean(),
    resume: fc.boolean(),
    token: fc.string({ maxLength: 5 }),
  },
  { requiredKeys: ['op', 'id'] },
)
const frame = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(header, fc.constant(null)) },
  { weight: 2, arbitrary: fc.tuple(header, fc.uint8Array({ maxLength: 3000 })) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 40 }).map((u) => Buffer.from(u)) },
)

function encode(f: [Record<string, unknown>, Uint8Array | null] | Buffer): Buffer {
  if (Buffer.isBuffer(f)) return f
  const [h, body] = f
  if (body === null) return encodeHeader(h)
  return Buffer.concat([encodeHeader({ ...h, body: body.length }), Buffer.from(body)])
}

let base: string
let server: FerryServer
const internalErrors: string[] = []

beforeAll(async () => {
  base = await tempDir('ferry-fuzz-')
  server = await FerryServer.start({
    root: path.join(base, 'share'),
    // Short guards so a half-sent body or header ends the connection quickly instead of waiting for minutes.
    progress: { headerTimeoutMs: 150, progressWindowMs: 150, minBodyBytes: 1 },
  })
  server.on('log', (l) => {
    if (l.level === 'error') internalErrors.push(l.message)
  })
  await fsp.writeFile(path.join(server.root, 'f.txt'), 'hello')
})

afterAll(async () => {
  await server.close({ graceMs: 0 })
  await fsp.rm(base, { recursive: true, force: true })
})

it('survives random request sequences without internal errors or escapes', async () => {
  const port = server.address().port
  await fc.assert(
    fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 8 }), async (frames) => {
      const peer = await TestPeer.connect(port)
      try {
        await peer.next() // HELLO
        peer.sendRaw(Buffer.concat(frames.map(encode)))
        // A PING after everything: its answer (or the connection closing) means the server got through it all.
        peer.send({ op: 'PING', id: 999_999 })
        for (;;) {
          const next = await peer.next().catch(() => null)
          if (next === null || next.header['re'] === 999_999) break
        }
      } finally {
        await peer.destroy()
      }
      expect(internalErrors).toEqual([])
    }),
    { numRuns: 150 },
  )
  // Nothing outside the share, and the server still serves a well-behaved client.
  expect(await fsp.readdir(base)).toEqual(['share'])
  if (server.clients().length > 0) await once(server, 'client-left')
  await expectServing(server.address().port)
})
