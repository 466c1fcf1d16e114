// Property tests for the frame decoder: no input makes it throw anything but a PROTOCOL or TOO_LARGE FerryError,
// and a valid stream decodes the same however it is split into chunks.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FerryError } from './error-codes'
import { type DecodedEvent, FrameDecoder, encodeHeader } from './frame-codec'

interface Frame {
  header: Record<string, unknown>
  body: Buffer | null
}

/** Decodes chunks in order; returns the events with body chunks merged, or the error that stopped it. */
function decodeAll(chunks: Buffer[], limits = {}): { frames: Frame[]; error: unknown } {
  const decoder = new FrameDecoder(limits)
  const frames: Frame[] = []
  let body: Buffer[] = []
  const apply = (e: DecodedEvent): void => {
    if (e.kind === 'header') {
      frames.push({ header: e.header, body: e.header['body'] === undefined ? null : Buffer.alloc(0) })
      body = []
    } else if (e.kind === 'body') body.push(Buffer.from(e.chunk))
    else frames[frames.length - 1]!.body = Buffer.concat(body)
  }
  try {
    for (const chunk of chunks) for (const e of decoder.push(chunk)) apply(e)
  } catch (err: unknown) {
    return { frames, error: err }
  }
  return { frames, error: null }
}

function expectProtocolError(error: unknown): void {
  if (error === null) return
  expect(error).toBeInstanceOf(FerryError)
  expect(['PROTOCOL', 'TOO_LARGE']).toContain((error as FerryError).code)
}

/** Splits a buffer at the given cut points. */
function split(data: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b)
  const out: Buffer[] = []
  let at = 0
  for (const p of points) {
    out.push(data.subarray(at, p))
    at = p
  }
  out.push(data.subarray(at))
  return out
}

const jsonValue = fc.jsonValue({ maxDepth: 3 })
const header = fc.dictionary(
  fc.string({ maxLength: 10 }).filter((k) => k !== 'body' && k !== '__proto__'),
  jsonValue,
  {
    maxKeys: 5,
  },
)
const frame: fc.Arbitrary<Frame> = fc.record({
  header,
  body: fc.option(
    fc.uint8Array({ maxLength: 300 }).map((u) => Buffer.from(u)),
    { nil: null },
  ),
})

function encode(frames: Frame[]): Buffer {
  return Buffer.concat(
    frames.flatMap((f) =>
      f.body === null
        ? [encodeHeader(f.header)]
        : [encodeHeader({ ...f.header, body: f.body.length }), f.body],
    ),
  )
}

/** A length prefix followed by header bytes that are almost JSON: reaches the deeper checks. */
const almostFrame = fc
  .oneof(
    fc.string().map((s) => Buffer.from(s)),
    fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    fc
      .oneof(
        fc.double(),
        fc.integer(),
        fc.string(),
        fc.constant(-1),
        fc.constant(2 ** 53),
        fc.constant(2 ** 41),
      )
      .map((b) => Buffer.from(JSON.stringify({ op: 'DATA', body: b }) ?? '{}')),
    fc.uint8Array({ maxLength: 64 }).map((u) => Buffer.from(u)),
  )
  .chain((payload) =>
    fc.record({
      length: fc.oneof(fc.constant(payload.length), fc.nat({ max: 0xffffffff }), fc.constant(0)),
      payload: fc.constant(payload),
      tail: fc.uint8Array({ maxLength: 32 }),
    }),
  )
  .map(({ length, payload, tail }) => {
    const prefix = Buffer.alloc(4)
    prefix.writeUInt32BE(length >>> 0)
    return Buffer.concat([prefix, payload, Buffer.from(tail)])
  })

describe('FrameDecoder properties', () => {
  it('random bytes only ever raise PROTOCOL or TOO_LARGE', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.array(fc.nat(), { maxLength: 8 }), (bytes, cuts) => {
        expectProtocolError(decodeAll(split(Buffer.from(bytes), cuts)).error)
      }),
      { numRuns: 2000 },
    )
  })

  it('almost-valid frames only ever raise PROTOCOL or TOO_LARGE, and small limits hold', () => {
    fc.assert(
      fc.property(
        fc.array(almostFrame, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (fs, cuts) => {
          const data = Buffer.concat(fs)
          expectProtocolError(decodeAll(split(data, cuts)).error)
          const small = decodeAll(split(data, cuts), { maxHeaderBytes: 16, maxBodyBytes: 8 })
          expectProtocolError(small.error)
          for (const f of small.frames) expect((f.body?.length ?? 0) <= 8).toBe(true)
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('a valid frame sequence decodes identically however it is split', () => {
    fc.assert(
      fc.property(
        fc.array(frame, { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (frames, cuts) => {
          const data = encode(frames)
          const whole = decodeAll([data])
          const pieces = decodeAll(split(data, cuts))
          expect(whole.error).toBeNull()
          expect(pieces.error).toBeNull()
          const expected = frames.map((f) => ({
            header: JSON.parse(
              JSON.stringify(f.body === null ? f.header : { ...f.header, body: f.body.length }),
            ),
            body: f.body,
          }))
          expect(pieces.frames).toEqual(expected)
          expect(whole.frames).toEqual(expected)
        },
      ),
      { numRuns: 1000 },
    )
  })

  it('a stream fed one byte at a time decodes like the whole', () => {
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 3 }), (frames) => {
        const data = encode(frames)
        const bytes = Array.from(data, (b) => Buffer.from([b]))
        expect(decodeAll(bytes).frames).toEqual(decodeAll([data]).frames)
      }),
      { numRuns: 200 },
    )
  })

  it('after an error the decoder stays failed with PROTOCOL', () => {
    const decoder = new FrameDecoder()
    expect(() => decoder.push(Buffer.from([0, 0, 0, 0]))).toThrow(FerryError)
    expect(() => decoder.push(encodeHeader({ ok: true }))).toThrow(/already failed/)
  })
})
