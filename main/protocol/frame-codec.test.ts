import { describe, expect, it } from 'vitest'
import { FrameDecoder, encodeHeader, type DecodedEvent } from './frame-codec'
import { FerryError } from './error-codes'

function frame(header: Record<string, unknown>, body?: Buffer): Buffer {
  return Buffer.concat([encodeHeader(header), body ?? Buffer.alloc(0)])
}

/** Collapses body chunks so streams split differently compare equal. */
function normalise(events: DecodedEvent[]): unknown[] {
  const out: unknown[] = []
  for (const e of events) {
    const last = out[out.length - 1] as { kind?: string; bytes?: Buffer } | undefined
    if (e.kind === 'body' && last?.kind === 'body') last.bytes = Buffer.concat([last.bytes!, e.chunk])
    else if (e.kind === 'body') out.push({ kind: 'body', bytes: Buffer.from(e.chunk) })
    else out.push(e)
  }
  return out
}

const stream = Buffer.concat([
  frame({ op: 'PING', id: 1 }),
  frame({ op: 'DATA', id: 2, body: 5 }, Buffer.from('hello')),
  frame({ op: 'DATA', id: 3, body: 0 }),
  frame({ op: 'STAT', id: 4, path: 'ünïcode/ファイル' }),
])

describe('FrameDecoder', () => {
  it('decodes a stream of frames with and without bodies', () => {
    const events = normalise(new FrameDecoder().push(stream))
    expect(events).toEqual([
      { kind: 'header', header: { op: 'PING', id: 1 }, bodyLength: 0 },
      { kind: 'header', header: { op: 'DATA', id: 2, body: 5 }, bodyLength: 5 },
      { kind: 'body', bytes: Buffer.from('hello') },
      { kind: 'end' },
      { kind: 'header', header: { op: 'DATA', id: 3, body: 0 }, bodyLength: 0 },
      { kind: 'end' },
      { kind: 'header', header: { op: 'STAT', id: 4, path: 'ünïcode/ファイル' }, bodyLength: 0 },
    ])
  })

  it('gives the same events however the bytes are split (every offset, two cuts)', () => {
    const whole = normalise(new FrameDecoder().push(stream))
    for (let a = 0; a <= stream.length; a++) {
      for (let b = a; b <= stream.length; b += 7) {
        const d = new FrameDecoder()
        const events = [
          ...d.push(stream.subarray(0, a)),
          ...d.push(stream.subarray(a, b)),
          ...d.push(stream.subarray(b)),
        ]
        expect(normalise(events)).toEqual(whole)
      }
    }
  })

  it('gives the same events when fed one byte at a time', () => {
    const d = new FrameDecoder()
    const events: DecodedEvent[] = []
    for (const byte of stream) events.push(...d.push(Buffer.from([byte])))
    expect(normalise(events)).toEqual(normalise(new FrameDecoder().push(stream)))
    expect(d.bufferedBytes).toBe(0)
  })

  const bad: Array<[string, Buffer, string]> = [
    ['zero-length header', Buffer.from([0, 0, 0, 0]), 'PROTOCOL'],
    ['oversized header length', Buffer.from([0, 1, 0, 1]), 'TOO_LARGE'],
    ['non-JSON header', Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('abc')]), 'PROTOCOL'],
    ['array header', Buffer.concat([Buffer.from([0, 0, 0, 2]), Buffer.from('[]')]), 'PROTOCOL'],
    ['invalid UTF-8', Buffer.concat([Buffer.from([0, 0, 0, 2]), Buffer.from([0xc3, 0x28])]), 'PROTOCOL'],
    ['negative body', frame({ body: -1 }), 'PROTOCOL'],
    ['fractional body', frame({ body: 1.5 }), 'PROTOCOL'],
    ['string body', frame({ body: '5' }), 'PROTOCOL'],
    ['huge body', frame({ body: 2 ** 41 }), 'TOO_LARGE'],
  ]
  for (const [name, bytes, code] of bad) {
    it(`rejects ${name} with ${code} at every split`, () => {
      for (let cut = 0; cut <= bytes.length; cut++) {
        const d = new FrameDecoder()
        let caught: unknown
        try {
          d.push(bytes.subarray(0, cut))
          d.push(bytes.subarray(cut))
        } catch (err: unknown) {
          caught = err
        }
        expect(caught).toBeInstanceOf(FerryError)
        expect((caught as FerryError).code).toBe(code)
        expect(() => d.push(Buffer.from([1]))).toThrow(FerryError)
      }
    })
  }

  it('enforces a configured header limit', () => {
    const d = new FrameDecoder({ maxHeaderBytes: 16 })
    expect(() => d.push(frame({ op: 'STAT', id: 1, path: 'a-rather-long-name' }))).toThrow(/exceeds 16/)
  })

  it('refuses to encode a header over the limit', () => {
    expect(() => encodeHeader({ path: 'x'.repeat(70_000) })).toThrow(FerryError)
  })
})
