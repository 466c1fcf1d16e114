// Hand-written checks for the two response headers of every GET (start and done), which the perf engine and
// getBuffer parse thousands of times per second. Like the server's fast-request.ts they only ever accept: anything
// they are not sure about returns null and the zod schema decides (fast-response.test.ts compares both).
import { MAX_BODY_BYTES } from '../protocol/limits'
import { ResponseSchemas } from '../protocol/messages'

type Header = Record<string, unknown>

function validId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0
}

function byteCount(value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isSafeInteger(value) &&
    value >= 0 &&
    value <= MAX_BODY_BYTES &&
    !Object.is(value, -0)
  )
}

const SHA256_HEX = /^[0-9a-f]{64}$/

function getStart(h: Header): unknown {
  const { re, ok, size, offset, mtimeMs, body } = h
  if (!validId(re) || ok !== true || !byteCount(size) || !byteCount(offset) || !byteCount(body)) return null
  if (typeof mtimeMs !== 'number' || !Number.isFinite(mtimeMs)) return null
  return { re, ok, size, offset, mtimeMs, body }
}

function getDone(h: Header): unknown {
  const { re, ok, done, sha256 } = h
  if (!validId(re) || ok !== true || done !== true) return null
  if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) return null
  return { re, ok, done, sha256 }
}

const CHECKS = new Map<unknown, (h: Header) => unknown>([
  [ResponseSchemas.GET_START, getStart],
  [ResponseSchemas.GET_DONE, getDone],
])

/** The parsed header when `schema` is one with a fast check and the header certainly passes it; else null. */
export function fastParseResponse(schema: unknown, header: Header): unknown {
  const check = CHECKS.get(schema)
  return check === undefined ? null : check(header)
}
