// The raw TCP bulk baseline: one connection that only moves bytes, no framing or disk. 'source' sends N bytes
// when asked (like a GET), 'sink' swallows N bytes and acknowledges with one byte (like a POST). With `hash` the
// receiving side also computes SHA-256 of what it got, as Ferry's receiver must: the ceiling of a verified copy.
import { connect, createServer, type Server, type Socket } from 'node:net'
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { FerryError, fromSystemError } from '../../main/protocol/error-codes'

const CHUNK = 1024 * 1024

/** Request: 1 byte mode ('S' source, 'K' sink, 'H' hashing sink) + 8 bytes big-endian length. */
export function createRawBulkServer(): Server {
  const block = Buffer.alloc(CHUNK, 0x62)
  return createServer((socket) => {
    socket.on('error', () => socket.destroy())
    socket.once('readable', () => {
      const head = socket.read(9) as Buffer | null
      if (!head) return socket.destroy()
      const total = Number(head.readBigUInt64BE(1))
      if (head[0] === 0x53) void sendBytes(socket, block, total).catch(() => socket.destroy())
      else sinkBytes(socket, total, head[0] === 0x48)
    })
  })
}

async function sendBytes(socket: Socket, block: Buffer, total: number): Promise<void> {
  let left = total
  while (left > 0) {
    const n = Math.min(left, block.length)
    left -= n
    if (!socket.write(n === block.length ? block : block.subarray(0, n))) await once(socket, 'drain')
  }
}

function sinkBytes(socket: Socket, total: number, hashing: boolean): void {
  let got = 0
  const hash = hashing ? createHash('sha256') : null
  const onData = (chunk: Buffer): void => {
    got += chunk.length
    hash?.update(chunk)
    if (got >= total) {
      socket.off('data', onData)
      hash?.digest()
      socket.write(Buffer.from([1]))
    }
  }
  if (total === 0) socket.write(Buffer.from([1]))
  else socket.on('data', onData)
}

function receiveBytes(socket: Socket, bytes: number, hashing: boolean): Promise<void> {
  const hash = hashing ? createHash('sha256') : null
  return new Promise((resolve, reject) => {
    let got = 0
    socket.on('data', (chunk: Buffer) => {
      got += chunk.length
      hash?.update(chunk)
      if (got >= bytes) {
        hash?.digest()
        resolve()
      }
    })
    socket.once('error', reject)
    socket.once('close', () =>
      reject(new FerryError('CONNECTION_CLOSED', `raw download ended at ${got} bytes`)),
    )
  })
}

export interface BulkResult {
  bytes: number
  ms: number
  mbPerSec: number
}

/** Moves `bytes` over one loopback connection; 'download' = server to client, 'upload' = client to server. */
export async function rawBulk(
  port: number,
  direction: 'download' | 'upload',
  bytes: number,
  timeoutMs: number,
  options: { hash?: boolean } = {},
): Promise<BulkResult> {
  const hashing = options.hash === true
  const socket = connect({ host: '127.0.0.1', port })
  // Failures surface through the awaited steps below; this only keeps a late error from crashing the bench.
  socket.on('error', () => undefined)
  const signal = AbortSignal.timeout(timeoutMs)
  const abort = (): void => {
    socket.destroy(new FerryError('TIMEOUT', `raw ${direction} of ${bytes} bytes timed out`))
  }
  signal.addEventListener('abort', abort)
  try {
    await once(socket, 'connect')
    const head = Buffer.alloc(9)
    head[0] = direction === 'download' ? 0x53 : hashing ? 0x48 : 0x4b
    head.writeBigUInt64BE(BigInt(bytes), 1)
    const started = performance.now()
    socket.write(head)
    if (direction === 'download') await receiveBytes(socket, bytes, hashing)
    else {
      const acked = once(socket, 'data')
      await sendBytes(socket, Buffer.alloc(CHUNK, 0x63), bytes)
      await acked
    }
    const ms = performance.now() - started
    socket.destroy()
    return { bytes, ms, mbPerSec: bytes / 1e6 / (ms / 1000) }
  } catch (e: unknown) {
    throw fromSystemError(
      signal.aborted ? new FerryError('TIMEOUT', `raw ${direction} timed out`) : e,
      'raw bulk',
    )
  } finally {
    signal.removeEventListener('abort', abort)
    socket.destroy()
  }
}
