// What a request handler that streams (GET, PUT) needs from its connection, kept narrow so handlers can be
// tested and reasoned about without the whole session.
import { encodeHeader } from '../protocol/frame-codec'

export interface Wire {
  readonly clientId: string
  /** True once the socket is closing or gone: stop producing. */
  readonly closed: boolean
  /** Writes raw bytes (an encoded header, a body chunk); false means the socket buffer is full. */
  write(data: Buffer): boolean
  /** Resolves true on 'drain', false if the socket closes first. */
  drained(): Promise<boolean>
  /** Ends the connection without a response: used when declared bytes can no longer be delivered. */
  destroy(reason: string): void
}

export function okHeader(re: number, fields: Record<string, unknown>): Buffer {
  return encodeHeader({ re, ok: true, ...fields })
}
