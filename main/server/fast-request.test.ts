import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_BODY_BYTES, MAX_PATH_BYTES } from '../protocol/limits'
import { RequestSchema } from '../protocol/messages'
import { fastParseRequest } from './fast-request'

// Values around every boundary the schema checks, plus wrong types.
const number = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(
    -0,
    0.5,
    1.5,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 1,
    MAX_BODY_BYTES,
    MAX_BODY_BYTES + 1,
    2 ** 53,
    Infinity,
    -Infinity,
    NaN,
    1e300,
  ),
  fc.double(),
  fc.nat(),
)
const anything = fc.oneof(
  number,
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.nat()),
)
const pathValue = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '',
    'a/b.txt',
    'x'.repeat(MAX_PATH_BYTES),
    'x'.repeat(MAX_PATH_BYTES + 1),
    '../up',
    '\u00e9'.repeat(MAX_PATH_BYTES),
  ),
  anything,
)
const header = fc.record(
  {
    op: fc.oneof(fc.constantFrom('GET', 'STAT', 'PING', 'LIST', 'PUT', 'get', 'DATA'), anything),
    id: fc.oneof(number, anything),
    path: pathValue,
    offset: fc.oneof(number, anything),
    body: fc.oneof(fc.nat(), anything),
    extra: anything,
  },
  { requiredKeys: [] },
)

describe('fastParseRequest', () => {
  it('accepts only what RequestSchema accepts, with the same result', () => {
    fc.assert(
      fc.property(header, (h) => {
        const fast = fastParseRequest(h)
        if (fast === null) return
        const slow = RequestSchema.safeParse(h)
        expect(slow.success).toBe(true)
        expect(fast).toStrictEqual(slow.data)
      }),
      { numRuns: 20_000 },
    )
  })

  it('takes the well-formed hot requests itself', () => {
    const ok = fc.record({
      op: fc.constantFrom('GET', 'STAT', 'PING'),
      id: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      path: fc.string({ maxLength: 200 }),
    })
    fc.assert(
      fc.property(
        ok,
        fc.option(fc.integer({ min: 0, max: MAX_BODY_BYTES }), { nil: undefined }),
        (h, offset) => {
          const input = h.op === 'GET' && offset !== undefined ? { ...h, offset } : h
          const fast = fastParseRequest(input)
          expect(fast).not.toBeNull()
          expect(fast).toStrictEqual(RequestSchema.parse(input))
        },
      ),
    )
  })

  it('leaves everything else to the schema', () => {
    expect(fastParseRequest({ op: 'GET', id: 1, path: 'a', offset: null })).toBeNull()
    expect(fastParseRequest({ op: 'GET', id: 0, path: 'a' })).toBeNull()
    expect(fastParseRequest({ op: 'GET', id: 1.5, path: 'a' })).toBeNull()
    expect(fastParseRequest({ op: 'GET', id: 1, path: 'x'.repeat(MAX_PATH_BYTES + 1) })).toBeNull()
    expect(fastParseRequest({ op: 'GET', id: 1, path: 'a', offset: MAX_BODY_BYTES + 1 })).toBeNull()
    expect(fastParseRequest({ op: 'PUT', id: 1, path: 'a' })).toBeNull()
    expect(fastParseRequest({ op: 'STAT', id: 1 })).toBeNull()
  })
})
