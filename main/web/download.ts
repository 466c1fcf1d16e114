// GET and HEAD of a file: HTTP Range (one range: 206, past the end: 416) and validators, so browsers and download
// managers resume. The ETag is strong ("sha256-<hex>") when the store knows the file's SHA-256, else weak
// (W/"<size>-<mtime>"), which If-Range never accepts (RFC 9110: If-Range needs a strong validator), so a resumed
// download of a file without a known hash restarts from byte 0 rather than risk splicing two versions.
import { createHash } from 'node:crypto'
import type http from 'node:http'
import { pipeline } from 'node:stream/promises'
import { Transform } from 'node:stream'
import { FerryError } from '../protocol/error-codes'
import { baseName } from '../protocol/paths'
import type { ShareStore, StoreStat } from '../store/share-store'
import { decideRange } from './byte-range'
import { sendError } from './http-reply'

export function etagOf(stat: StoreStat): string {
  return stat.sha256 !== undefined
    ? `"sha256-${stat.sha256}"`
    : `W/"${stat.size}-${Math.trunc(stat.mtimeMs)}"`
}

/** If-None-Match uses the weak comparison: the opaque parts are equal. */
function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  if (header.trim() === '*') return true
  const opaque = etag.replace(/^W\//, '')
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === opaque)
}

/** If-Range uses the strong comparison: only a strong ETag equal to ours keeps the Range. */
function rangeStillValid(header: string | undefined, etag: string): boolean {
  if (header === undefined) return true
  const value = header.trim()
  return !etag.startsWith('W/') && value === etag
}

function contentDisposition(path: string): string {
  const name = baseName(path)
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`
}

export async function serveFile(
  store: ShareStore,
  path: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const stat = await store.stat(path)
  if (stat.type === 'dir') throw new FerryError('IS_A_DIRECTORY', `${path}: is a folder`)
  const etag = etagOf(stat)
  res.setHeader('ETag', etag)
  res.setHeader('Accept-Ranges', 'bytes')
  if (stat.mtimeMs > 0) res.setHeader('Last-Modified', new Date(stat.mtimeMs).toUTCString())
  // A file of the share is data, never a page of this origin: no inline rendering, no scripts.
  res.setHeader('Content-Disposition', contentDisposition(path))
  res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'")
  res.setHeader('Cache-Control', 'private, no-cache')
  if (noneMatch(req.headers['if-none-match'], etag)) {
    res.statusCode = 304
    res.end()
    return
  }
  const ifRange = req.headers['if-range']
  const rangeHeader = rangeStillValid(typeof ifRange === 'string' ? ifRange : undefined, etag)
    ? req.headers.range
    : undefined
  const range = decideRange(rangeHeader, stat.size)
  if (range.kind === 'unsatisfiable') {
    res.setHeader('Content-Range', `bytes */${stat.size}`)
    sendError(
      res,
      new FerryError('OFFSET_INVALID', `no such byte range in a file of ${stat.size} bytes`),
      {},
      416,
    )
    return
  }
  const offset = range.kind === 'partial' ? range.start : 0
  const length = range.kind === 'partial' ? range.end - range.start + 1 : stat.size
  res.setHeader('Content-Type', 'application/octet-stream')
  if (req.method === 'HEAD') {
    res.statusCode = range.kind === 'partial' ? 206 : 200
    if (range.kind === 'partial')
      res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${stat.size}`)
    res.setHeader('Content-Length', length)
    res.end()
    return
  }
  const read = await store.read(path, { offset, length })
  if (read.stat.size !== stat.size || read.stat.mtimeMs !== stat.mtimeMs || read.length !== length) {
    // The file changed between stat and read: the headers would lie about the bytes.
    read.body.destroy()
    res.setHeader('Retry-After', '1')
    throw new FerryError('BUSY', `${path}: changed while the download started; try again`)
  }
  res.statusCode = range.kind === 'partial' ? 206 : 200
  if (range.kind === 'partial')
    res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${stat.size}`)
  res.setHeader('Content-Length', length)
  // A whole-file read is hashed on the way, so the store may offer the SHA-256 (a strong ETag) next time.
  const whole = offset === 0 && length === stat.size && stat.sha256 === undefined && store.rememberSha256
  const hash = whole ? createHash('sha256') : null
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash?.update(chunk)
      done(null, chunk)
    },
  })
  await pipeline(read.body, tap, res)
  if (hash) store.rememberSha256?.(read, hash.digest('hex'))
}
