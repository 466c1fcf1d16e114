// Small request bodies (login, create upload, finish, rename): JSON or a urlencoded form, at most MAX_JSON_BYTES,
// counted as they arrive so a liar's Content-Length or a chunked stream cannot make the server hold more.
import type http from 'node:http'
import { FerryError } from '../protocol/error-codes'

export const MAX_JSON_BYTES = 64 * 1024

export async function readSmallBody(req: http.IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? '0')
  if (declared > MAX_JSON_BYTES)
    throw new FerryError('TOO_LARGE', `request bodies are at most ${MAX_JSON_BYTES} bytes`)
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length
    if (total > MAX_JSON_BYTES)
      throw new FerryError('TOO_LARGE', `request bodies are at most ${MAX_JSON_BYTES} bytes`)
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text))
  if (type !== 'application/json') throw new FerryError('INVALID_ARGUMENT', 'send application/json')
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new FerryError('INVALID_ARGUMENT', 'the body is not valid JSON')
  }
}

export function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined
}
