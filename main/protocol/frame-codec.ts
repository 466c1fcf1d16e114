// Wire framing of protocol v1 (described once, in docs/PROTOCOL.md):
//   frame = u32 big-endian header length | header (UTF-8 JSON object) | body (header.body raw bytes, optional)
// The decoder is a pure state machine: feed it bytes split anywhere, it returns events and enforces the limits.
import { FerryError } from './error-codes'
import { MAX_BODY_BYTES, MAX_HEADER_BYTES } from './limits'

export type FrameHeader = Record<string, unknown>

export type DecodedEvent =
  | { kind: 'header'; header: FrameHeader; bodyLength: number }
  | { kind: 'body'; chunk: Buffer }
  | { kind: 'end' }

export interface DecoderLimits {
  maxHeaderBytes: number
  maxBodyBytes: number
}

const LENGTH_BYTES = 4

export function encodeHeader(header: FrameHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8')
  if (json.length > MAX_HEADER_BYTES) {
    throw new FerryError('TOO_LARGE', `header of ${json.length} bytes exceeds ${MAX_HEADER_BYTES}`)
  }
  const frame = Buffer.allocUnsafe(LENGTH_BYTES + json.length)
  frame.writeUInt32BE(json.length, 0)
  json.copy(frame, LENGTH_BYTES)
  return frame
}

/** Reads the declared body length of a header: absent means no body; anything but a safe integer is refused. */
export function declaredBodyLength(header: FrameHeader, maxBodyBytes: number = MAX_BODY_BYTES): number {
  const body = header['body']
  if (body === undefined) return 0
  if (typeof body !== 'number' || !Number.isSafeInteger(body) || body < 0) {
    throw new FerryError('PROTOCOL', 'frame body length must be a non-negative integer')
  }
  if (body > maxBodyBytes)
    throw new FerryError('TOO_LARGE', `frame body of ${body} bytes exceeds ${maxBodyBytes}`)
  return body
}

export class FrameDecoder {
  private state: 'length' | 'header' | 'body' | 'failed' = 'length'
  private pending: Buffer[] = []
  private pendingBytes = 0
  private headerLength = 0
  private bodyRemaining = 0
  private readonly limits: DecoderLimits

  constructor(limits: Partial<DecoderLimits> = {}) {
    this.limits = {
      maxHeaderBytes: limits.maxHeaderBytes ?? MAX_HEADER_BYTES,
      maxBodyBytes: limits.maxBodyBytes ?? MAX_BODY_BYTES,
    }
  }

  /** True while a body is being received: the caller may apply backpressure to the body's sink. */
  get inBody(): boolean {
    return this.state === 'body'
  }

  /**
   * True from a frame's first length byte until its header is complete: one span, so a deadline on the header
   * covers the length prefix too (it does not start again once the four length bytes are in).
   */
  get inHeader(): boolean {
    return this.state === 'header' || (this.state === 'length' && this.pendingBytes > 0)
  }

  /** Bytes held for an incomplete length prefix or header; bounded by maxHeaderBytes + 4. */
  get bufferedBytes(): number {
    return this.pendingBytes
  }

  /**
   * Consumes a chunk and returns the events it completes. Throws FerryError('PROTOCOL' | 'TOO_LARGE') on bad
   * input; after that the decoder stays failed, since the stream has lost its framing.
   */
  push(chunk: Uint8Array): DecodedEvent[] {
    if (this.state === 'failed') throw new FerryError('PROTOCOL', 'decoder already failed')
    const events: DecodedEvent[] = []
    let data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    try {
      while (data.length > 0) {
        if (this.state === 'body') {
          const take = Math.min(this.bodyRemaining, data.length)
          events.push({ kind: 'body', chunk: data.subarray(0, take) })
          data = data.subarray(take)
          this.bodyRemaining -= take
          if (this.bodyRemaining === 0) {
            events.push({ kind: 'end' })
            this.state = 'length'
          }
          continue
        }
        const need = this.state === 'length' ? LENGTH_BYTES : this.headerLength
        const take = Math.min(need - this.pendingBytes, data.length)
        this.pending.push(data.subarray(0, take))
        this.pendingBytes += take
        data = data.subarray(take)
        if (this.pendingBytes < need) break
        const whole =
          this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes)
        this.pending = []
        this.pendingBytes = 0
        if (this.state === 'length') this.onLength(whole.readUInt32BE(0))
        else this.onHeader(whole, events)
      }
    } catch (err: unknown) {
      this.state = 'failed'
      this.pending = []
      this.pendingBytes = 0
      throw err
    }
    return events
  }

  private onLength(length: number): void {
    if (length === 0) throw new FerryError('PROTOCOL', 'empty frame header')
    if (length > this.limits.maxHeaderBytes) {
      throw new FerryError(
        'TOO_LARGE',
        `frame header of ${length} bytes exceeds ${this.limits.maxHeaderBytes}`,
      )
    }
    this.headerLength = length
    this.state = 'header'
  }

  private onHeader(bytes: Buffer, events: DecodedEvent[]): void {
    const header = parseHeader(bytes)
    const bodyLength = declaredBodyLength(header, this.limits.maxBodyBytes)
    events.push({ kind: 'header', header, bodyLength })
    if (header['body'] === undefined) {
      this.state = 'length'
    } else if (bodyLength === 0) {
      events.push({ kind: 'end' })
      this.state = 'length'
    } else {
      this.bodyRemaining = bodyLength
      this.state = 'body'
    }
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

function parseHeader(bytes: Buffer): FrameHeader {
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    throw new FerryError('PROTOCOL', 'frame header is not valid UTF-8')
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new FerryError('PROTOCOL', 'frame header is not valid JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FerryError('PROTOCOL', 'frame header must be a JSON object')
  }
  return value as FrameHeader
}
