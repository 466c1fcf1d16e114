// What a request handler that streams (GET, PUT) needs from its connection, kept narrow so handlers can be
// tested and reasoned about without the whole session.
import { encodeHeader } from '../protocol/frame-codec'

export interface Wire {
  readonly clientId: string
  /** True once the socket is closing or gone: stop producing. */
  readonly closed: boolean
  /**
   * Writes raw bytes (an encoded header, a body chunk); false means the socket buffer is full. `onReleased` runs
   * once the socket no longer needs `data` (sent, or the write failed); it never runs if nothing was written.
   */
  write(data: Buffer, onReleased?: () => void): boolean
  /** Resolves true on 'drain', false if the socket closes first. */
  drained(): Promise<boolean>
  /** Ends the connection without a response: used when declared bytes can no longer be delivered. */
  destroy(reason: string): void
}

export function okHeader(re: number, fields: Record<string, unknown>): Buffer {
  return encodeHeader({ re, ok: true, ...fields })
}

/**
 * header | body | trailer in one buffer: one allocation and one socket write for a whole small response.
 * Only for headers known to be small (numbers and a hash), so the header size limit cannot be exceeded.
 */
export function encodeWithTrailer(
  head: Record<string, unknown>,
  body: Buffer,
  tail: Record<string, unknown>,
): Buffer {
  const headJson = JSON.stringify(head)
  const tailJson = JSON.stringify(tail)
  const headBytes = Buffer.byteLength(headJson)
  const tailBytes = Buffer.byteLength(tailJson)
  const out = Buffer.allocUnsafe(8 + headBytes + body.length + tailBytes)
  let at = out.writeUInt32BE(headBytes, 0)
  at += out.write(headJson, at, 'utf8')
  at += body.copy(out, at)
  at = out.writeUInt32BE(tailBytes, at)
  out.write(tailJson, at, 'utf8')
  return out
}
