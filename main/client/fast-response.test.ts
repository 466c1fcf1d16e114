import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_BODY_BYTES } from '../protocol/limits'
import { ResponseSchemas } from '../protocol/messages'
import { fastParseResponse } from './fast-response'

const number = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(
    -0,
    0.5,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 1,
    MAX_BODY_BYTES,
    MAX_BODY_BYTES + 1,
  ),
  fc.constantFrom(Infinity, -Infinity, NaN, 1e300),
  fc.double(),
  fc.nat(),
)
const anything = fc.oneof(number, fc.string(), fc.boolean(), fc.constant(null), fc.constant(undefined))
const hex = fc.oneof(
  fc.stringMatching(/^[0-9a-f]{64}$/),
  fc.stringMatching(/^[0-9a-fA-F]{63,65}$/),
  fc.constant('a'.repeat(64) + '\n'),
  anything,
)
const header = fc.record(
  {
    re: fc.oneof(number, anything),
    ok: fc.oneof(fc.constant(true), anything),
    done: fc.oneof(fc.constant(true), anything),
    size: fc.oneof(number, anything),
    offset: fc.oneof(number, anything),
    mtimeMs: fc.oneof(number, anything),
    body: fc.oneof(number, anything),
    sha256: hex,
    extra: anything,
  },
  { requiredKeys: [] },
)

describe('fastParseResponse', () => {
  for (const name of ['GET_START', 'GET_DONE'] as const) {
    it(`${name}: accepts only what the schema accepts, with the same result`, () => {
      const schema = ResponseSchemas[name]
      let taken = 0
      fc.assert(
        fc.property(header, (h) => {
          const fast = fastParseResponse(schema, h)
          if (fast === null) return
          taken++
          const slow = schema.safeParse(h)
          expect(slow.success).toBe(true)
          expect(fast).toStrictEqual(slow.data)
        }),
        { numRuns: 20_000 },
      )
      expect(taken).toBeGreaterThan(0)
    })
  }

  it('takes well-formed GET responses and leaves other schemas alone', () => {
    const start = { re: 3, ok: true, size: 10, offset: 0, mtimeMs: 1.5, body: 10 }
    expect(fastParseResponse(ResponseSchemas.GET_START, start)).toStrictEqual(start)
    const done = { re: 3, ok: true, done: true, sha256: 'ab'.repeat(32) }
    expect(fastParseResponse(ResponseSchemas.GET_DONE, { ...done, extra: 1 })).toStrictEqual(done)
    expect(fastParseResponse(ResponseSchemas.PING, { re: 1, ok: true, time: 1 })).toBeNull()
  })
})
