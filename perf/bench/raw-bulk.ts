// The raw TCP bulk baseline: one connection that only moves bytes, no framing. 'source' sends N bytes when asked
// (like a GET), a sink swallows N bytes and acknowledges (like a POST). The receiving side can also compute
// SHA-256 of what it got (as Ferry's receiver must: the ceiling of a verified copy in memory) and write it to a
// file it fsyncs at the end (as Ferry's receiver must: the ceiling of a verified copy that lands on this disk).
import { connect, createServer, type Server, type Socket } from 'node:net'
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { close, fsync, open, rm } from 'node:fs'
import { join } from 'node:path'
import { FileSink, type FileSinkOptions } from '../../main/fs-io/file-sink'
import { FerryError, fromSystemError } from '../../main/protocol/error-codes'

const CHUNK = 1024 * 1024
/**
 * Written the way Ferry's download writes (main/client/download.ts: FileSink, same marks, background syncs), so
 * the disk baselines measure this disk and page cache, not a different way of writing.
 */
const SINK_OPTIONS: FileSinkOptions = {
  highWaterBytes: 8 * 1024 * 1024,
  lowWaterBytes: 4 * 1024 * 1024,
  maxBatchBytes: 2 * 1024 * 1024,
  syncEveryBytes: 32 * 1024 * 1024,
}
/** Sink acknowledgement: one status byte, then the SHA-256 of what arrived (zeros when not hashing). */
const ACK_BYTES = 33

const MODE_SOURCE = 0x53 // 'S'
const MODE_HASHING_SOURCE = 0x54 // 'T': a source that hashes what it sends, as Ferry's sender does
const FLAG_HASH = 1
const FLAG_DISK = 2

export interface ReceiveOptions {
  /** Compute SHA-256 of the bytes received. */
  hash?: boolean
  /** Write the bytes to this (new) file and fsync it before the transfer counts as done. */
  file?: string
}

/** Emitted by the raw bulk server (with the path) once a disk sink's temp file is gone. */
export const SINK_FILE_REMOVED = 'sink-file-removed'

/**
 * Request: 1 byte mode ('S' source, 'T' hashing source, or a sink: 0x40 | hash flag | disk flag) + 8 bytes
 * big-endian length.
 * `dir` is where a disk sink writes its temp files (removed after each transfer); without it disk sinks are refused.
 */
export function createRawBulkServer(options: { dir?: string } = {}): Server {
  const block = Buffer.alloc(CHUNK, 0x62)
  let seq = 0
  const server = createServer((socket) => {
    socket.on('error', () => socket.destroy())
    socket.once('readable', () => {
      const head = socket.read(9) as Buffer | null
      if (!head) return socket.destroy()
      const mode = head[0] ?? 0
      const total = Number(head.readBigUInt64BE(1))
      if (mode === MODE_SOURCE || mode === MODE_HASHING_SOURCE) {
        void sendBytes(socket, block, total, mode === MODE_HASHING_SOURCE).catch(() => socket.destroy())
        return
      }
      const disk = (mode & FLAG_DISK) !== 0
      if (disk && options.dir === undefined) return socket.destroy()
      const file = disk && options.dir ? join(options.dir, `raw-sink-${process.pid}-${seq++}.bin`) : undefined
      receiveBytes(socket, total, { hash: (mode & FLAG_HASH) !== 0, file })
        .then((digest) => {
          const ack = Buffer.alloc(ACK_BYTES)
          ack[0] = 1
          digest?.copy(ack, 1)
          socket.write(ack)
        })
        .catch(() => socket.destroy())
        .finally(() => {
          if (file) rm(file, { force: true }, () => server.emit(SINK_FILE_REMOVED, file))
        })
    })
  })
  return server
}

/** Sends `total` bytes; with `hashing`, each block is hashed after it is handed to the socket (as Ferry does). */
async function sendBytes(socket: Socket, block: Buffer, total: number, hashing = false): Promise<void> {
  const hash = hashing ? createHash('sha256') : null
  let left = total
  while (left > 0) {
    const n = Math.min(left, block.length)
    left -= n
    const piece = n === block.length ? block : block.subarray(0, n)
    const flushed = socket.write(piece)
    hash?.update(piece)
    if (!flushed) await once(socket, 'drain')
  }
  hash?.digest()
}

/**
 * Takes `total` bytes from the socket: hashes them and/or writes them to `file` (the socket is paused while the
 * file's write buffer is full), then flushes and fsyncs the file. Resolves the SHA-256 when hashing.
 */
export async function receiveBytes(
  socket: Socket,
  total: number,
  options: ReceiveOptions,
): Promise<Buffer | null> {
  const hash = options.hash ? createHash('sha256') : null
  const fd = options.file ? await openFile(options.file) : null
  const sink = fd === null ? null : new FileSink(fd, 0, SINK_OPTIONS)
  try {
    await new Promise<void>((resolve, reject) => {
      let got = 0
      const finish = (err?: unknown): void => {
        socket.off('data', onData)
        socket.off('error', finish)
        socket.off('close', onClose)
        if (err) reject(err)
        else resolve()
      }
      const onClose = (): void =>
        finish(new FerryError('CONNECTION_CLOSED', `raw transfer ended at ${got} of ${total} bytes`))
      const onData = (chunk: Buffer): void => {
        got += chunk.length
        // Handed to the file before it is hashed, as Ferry's receivers do.
        const flushed = sink === null || sink.write(chunk)
        hash?.update(chunk)
        if (!flushed) {
          socket.pause()
          void sink.room().then(() => socket.resume())
        }
        if (got >= total) finish()
      }
      if (total === 0) return resolve()
      socket.on('data', onData)
      socket.on('error', finish)
      socket.on('close', onClose)
      socket.resume()
    })
    if (sink) {
      await sink.flush()
      await new Promise<void>((resolve, reject) => fsync(fd!, (err) => (err ? reject(err) : resolve())))
    }
    return hash ? hash.digest() : null
  } finally {
    // Never close the fd under a write still in flight.
    await sink?.flush().catch(() => undefined)
    if (fd !== null) close(fd, () => undefined)
  }
}

function openFile(file: string): Promise<number> {
  return new Promise((resolve, reject) => open(file, 'w', (err, fd) => (err ? reject(err) : resolve(fd))))
}

export interface BulkResult {
  bytes: number
  ms: number
  mbPerSec: number
  /** SHA-256 the receiver computed (hex), when hashing. */
  sha256?: string
}

export interface RawBulkOptions {
  /** The receiver computes SHA-256. */
  hash?: boolean
  /** The sender computes SHA-256 too (Ferry hashes on both ends). */
  senderHash?: boolean
  /** Receiver writes to disk and fsyncs: download into a temp file in this folder, upload into the server's. */
  diskDir?: string
}

/** Moves `bytes` over one loopback connection; 'download' = server to client, 'upload' = client to server. */
export async function rawBulk(
  port: number,
  direction: 'download' | 'upload',
  bytes: number,
  timeoutMs: number,
  options: RawBulkOptions = {},
): Promise<BulkResult> {
  const hashing = options.hash === true
  const disk = options.diskDir !== undefined
  const socket = connect({ host: '127.0.0.1', port })
  // Failures surface through the awaited steps below; this only keeps a late error from crashing the bench.
  socket.on('error', () => undefined)
  const signal = AbortSignal.timeout(timeoutMs)
  const abort = (): void => {
    socket.destroy(new FerryError('TIMEOUT', `raw ${direction} of ${bytes} bytes timed out`))
  }
  signal.addEventListener('abort', abort)
  const file =
    direction === 'download' && options.diskDir !== undefined
      ? join(options.diskDir, `raw-download-${process.pid}-${Date.now()}.bin`)
      : undefined
  try {
    await once(socket, 'connect')
    const head = Buffer.alloc(9)
    head[0] =
      direction === 'download'
        ? options.senderHash
          ? MODE_HASHING_SOURCE
          : MODE_SOURCE
        : 0x40 | (hashing ? FLAG_HASH : 0) | (disk ? FLAG_DISK : 0)
    head.writeBigUInt64BE(BigInt(bytes), 1)
    const started = performance.now()
    socket.write(head)
    let digest: Buffer | null = null
    if (direction === 'download') digest = await receiveBytes(socket, bytes, { hash: hashing, file })
    else {
      const ack = readAck(socket)
      await sendBytes(socket, Buffer.alloc(CHUNK, 0x63), bytes, options.senderHash === true)
      const answer = await ack
      if (hashing) digest = answer.subarray(1, ACK_BYTES)
    }
    const ms = performance.now() - started
    socket.destroy()
    return {
      bytes,
      ms,
      mbPerSec: bytes / 1e6 / (ms / 1000),
      ...(digest ? { sha256: digest.toString('hex') } : {}),
    }
  } catch (e: unknown) {
    throw fromSystemError(
      signal.aborted ? new FerryError('TIMEOUT', `raw ${direction} timed out`) : e,
      'raw bulk',
    )
  } finally {
    signal.removeEventListener('abort', abort)
    socket.destroy()
    if (file) await new Promise<void>((resolve) => rm(file, { force: true }, () => resolve()))
  }
}

/** The sink's acknowledgement (it may arrive split); rejects if the connection ends first. */
function readAck(socket: Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    let got = 0
    const onData = (chunk: Buffer): void => {
      parts.push(chunk)
      got += chunk.length
      if (got < ACK_BYTES) return
      socket.off('data', onData)
      socket.off('close', onClose)
      resolve(Buffer.concat(parts, got))
    }
    const onClose = (): void =>
      reject(new FerryError('CONNECTION_CLOSED', 'raw upload ended without an acknowledgement'))
    socket.on('data', onData)
    socket.once('close', onClose)
  })
}
