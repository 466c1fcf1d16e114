// Exchanges whose bodies are held in memory: LIST (bounded by MAX_LISTING_BYTES) and the lean getBuffer /
// putBuffer path the perf engine drives at thousands of requests per second (one write per frame, one copy).
import { createHash } from 'node:crypto'
import type { z } from 'zod'
import { FerryError } from '../protocol/error-codes'
import { encodeHeader } from '../protocol/frame-codec'
import { MAX_LISTING_BYTES } from '../protocol/limits'
import {
  ListingSchema,
  ResponseSchemas,
  TreePageSchema,
  type TreeEntry,
  describeIssues,
  type Entry,
  type OverwriteMode,
} from '../protocol/messages'
import type { Connection } from './connection'
import type { TransferResult } from './download'

/** Reads a body of `length` bytes into one buffer, up to its 'end' event. */
export async function readBody(conn: Connection, length: number): Promise<Buffer> {
  const out = Buffer.allocUnsafe(length)
  let filled = 0
  for (;;) {
    const event = await conn.next()
    if (event.kind === 'end') break
    if (event.kind !== 'body') throw conn.failWith('PROTOCOL', 'body ended early')
    event.chunk.copy(out, filled)
    filled += event.chunk.length
  }
  return out
}

/**
 * Reads a JSON body (a listing, a tree page, batch results) of `length` bytes and validates it: anything else is
 * PROTOCOL and ends the connection, as does a body over MAX_LISTING_BYTES.
 */
export async function readJsonBody<T>(
  conn: Connection,
  length: number,
  schema: z.ZodType<T>,
  what: string,
): Promise<T> {
  if (length > MAX_LISTING_BYTES) {
    throw conn.failWith('TOO_LARGE', `${what} of ${length} bytes exceeds ${MAX_LISTING_BYTES}`)
  }
  const body = await readBody(conn, length)
  let json: unknown
  try {
    json = JSON.parse(body.toString('utf8'))
  } catch {
    throw conn.failWith('PROTOCOL', `${what} is not valid JSON`)
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) throw conn.failWith('PROTOCOL', `invalid ${what}: ${describeIssues(parsed.error)}`)
  return parsed.data
}

export async function listExchange(conn: Connection, path: string): Promise<Entry[]> {
  const id = conn.newId()
  conn.write(encodeHeader({ op: 'LIST', id, path }))
  const head = conn.parse(await conn.next(), id, ResponseSchemas.LIST, true)
  const listing = await readJsonBody(conn, head.body, ListingSchema, 'listing')
  if (listing.length !== head.count) {
    throw conn.failWith('PROTOCOL', `listing has ${listing.length} entries, header says ${head.count}`)
  }
  return listing
}

/** One TREE page: entries below `path` after `after`, and the mark for the next page (absent on the last). */
export async function treeExchange(
  conn: Connection,
  path: string,
  after: string | undefined,
): Promise<{ entries: TreeEntry[]; next?: string }> {
  const id = conn.newId()
  conn.write(encodeHeader(after === undefined ? { op: 'TREE', id, path } : { op: 'TREE', id, path, after }))
  const head = conn.parse(await conn.next(), id, ResponseSchemas.TREE, true)
  const entries = await readJsonBody(conn, head.body, TreePageSchema, 'tree page')
  if (entries.length !== head.count) {
    throw conn.failWith('PROTOCOL', `tree page has ${entries.length} entries, header says ${head.count}`)
  }
  return head.next === undefined ? { entries } : { entries, next: head.next }
}

/** GET into memory; the hash is checked by the caller once the connection is free again. */
export async function getExchange(
  conn: Connection,
  path: string,
  maxBytes: number,
): Promise<{ data: Buffer; sha256: string }> {
  const id = conn.newId()
  conn.write(encodeHeader({ op: 'GET', id, path }))
  const start = conn.parse(await conn.next(), id, ResponseSchemas.GET_START, true)
  if (start.offset !== 0 || start.body !== start.size) {
    throw conn.failWith(
      'PROTOCOL',
      `GET answered offset ${start.offset} and ${start.body} bytes of ${start.size}`,
    )
  }
  if (start.size > maxBytes)
    throw conn.failWith('TOO_LARGE', `${path} has ${start.size} bytes, over ${maxBytes}`)
  const data = await readBody(conn, start.body)
  const done = conn.parse(await conn.next(), id, ResponseSchemas.GET_DONE, false)
  return { data, sha256: done.sha256 }
}

export function checkBuffer(path: string, data: Buffer, expected: string): Buffer {
  const actual = createHash('sha256').update(data).digest('hex')
  if (actual !== expected) {
    throw new FerryError(
      'CHECKSUM_MISMATCH',
      `${path}: SHA-256 of the received bytes does not match the server's`,
    )
  }
  return data
}

export async function putExchange(
  conn: Connection,
  path: string,
  data: Buffer,
  sha256: string,
  mode: OverwriteMode,
): Promise<TransferResult> {
  const id = conn.newId()
  conn.write(encodeHeader({ op: 'PUT', id, path, size: data.length, sha256, mode }))
  const ready = conn.parse(await conn.next(), id, ResponseSchemas.PUT_READY, false)
  if (ready.offset !== 0)
    throw conn.failWith('PROTOCOL', `PUT ready at offset ${ready.offset} without resume`)
  // The bytes are already in memory, so the socket may buffer them all: no need to wait for drain.
  conn.writeFrame({ op: 'DATA', id, body: data.length }, data)
  const done = conn.parse(await conn.next(), id, ResponseSchemas.PUT_DONE, false)
  if (done.size !== data.length || done.sha256 !== sha256) {
    throw new FerryError('CHECKSUM_MISMATCH', `${path}: the server stored ${done.size} bytes, ${done.sha256}`)
  }
  return { path: done.path, size: done.size, sha256 }
}
