// A hand-written check for the hottest request shapes (GET, STAT, PING), run before the zod schema. It only ever
// accepts: anything it is not certain about (another op, an odd field) returns null and goes to RequestSchema,
// which gives the real verdict and error. What it accepts, RequestSchema accepts with the same result (fast-request
// .test.ts checks that on many generated inputs).
import type { FrameHeader } from '../protocol/frame-codec'
import { MAX_BODY_BYTES, MAX_PATH_BYTES } from '../protocol/limits'
import type { Request } from '../protocol/messages'

function validId(id: unknown): id is number {
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0
}

function validPath(path: unknown): path is string {
  return typeof path === 'string' && path.length <= MAX_PATH_BYTES
}

/** The parsed request when it is certainly a valid GET, STAT or PING; null means "ask RequestSchema". */
export function fastParseRequest(header: FrameHeader): Request | null {
  const op = header['op']
  const id = header['id']
  if (!validId(id)) return null
  if (op === 'GET') {
    const path = header['path']
    if (!validPath(path)) return null
    const offset = header['offset']
    if (offset === undefined) return 'offset' in header ? null : { op, id, path }
    if (
      typeof offset === 'number' &&
      Number.isSafeInteger(offset) &&
      offset >= 0 &&
      offset <= MAX_BODY_BYTES &&
      !Object.is(offset, -0)
    ) {
      return { op, id, path, offset }
    }
    return null
  }
  if (op === 'STAT') {
    const path = header['path']
    return validPath(path) ? { op, id, path } : null
  }
  if (op === 'PING') return { op, id }
  return null
}
