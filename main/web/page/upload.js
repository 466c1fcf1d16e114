/* global XMLHttpRequest */
// Resumable upload of one file through the web API (docs/WEB.md): create, then PATCH chunks at the offset the
// server holds, then finish with the file's SHA-256. A dropped chunk is not an error: the page waits, asks the
// server where the upload stands and continues from there, however many bytes of the chunk arrived. The hash is
// computed incrementally (hash-wasm, whose state can be saved) over exactly the bytes the server holds, so a
// resume that starts before what was hashed re-reads only the file, never the network.

const RETRY_MS = [500, 1000, 2000, 4000, 8000]

export class UploadCancelled extends Error {}

/** The server's {code, message} as an Error with .code, .status and the body. */
async function failure(res) {
  let body = {}
  try {
    body = await res.json()
  } catch {
    // Not JSON: the status alone says it.
  }
  const err = new Error(body.message || `HTTP ${res.status}`)
  err.code = body.code || 'INTERNAL'
  err.status = res.status
  err.body = body
  return err
}

async function call(method, url, body) {
  let res
  try {
    res = await fetch(url, {
      method,
      headers: { 'Content-Type': 'application/json', 'X-Ferry-Request': '1' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch (cause) {
    throw Object.assign(new Error('network error'), { code: 'CONNECTION_FAILED', cause })
  }
  if (!res.ok) throw await failure(res)
  return res.json()
}

/** A chunk by XMLHttpRequest: fetch reports no upload progress. Resolves the server's answer. */
function sendChunk(id, offset, data, onProgress, signal) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('PATCH', `/api/uploads/${encodeURIComponent(id)}`)
    xhr.setRequestHeader('X-Ferry-Request', '1')
    xhr.setRequestHeader('Upload-Offset', String(offset))
    xhr.setRequestHeader('Content-Type', 'application/octet-stream')
    xhr.responseType = 'json'
    xhr.upload.onprogress = (e) => onProgress(offset + e.loaded)
    xhr.onload = () => {
      const body = xhr.response || {}
      if (xhr.status >= 200 && xhr.status < 300) resolve(body)
      else
        reject(
          Object.assign(new Error(body.message || `HTTP ${xhr.status}`), {
            code: body.code,
            status: xhr.status,
            body,
          }),
        )
    }
    const dropped = () =>
      reject(Object.assign(new Error('the connection dropped'), { code: 'CONNECTION_FAILED' }))
    xhr.onerror = dropped
    xhr.onabort = dropped
    signal.addEventListener('abort', () => xhr.abort(), { once: true })
    xhr.send(data)
  })
}

/** SHA-256 over the file's first `hashedTo` bytes, advanced (or restarted) to any offset. */
class FileHash {
  constructor(file, hasher) {
    this.file = file
    this.hasher = hasher
    this.hashedTo = 0
  }
  async advanceTo(offset) {
    if (offset < this.hashedTo) {
      this.hasher.init()
      this.hashedTo = 0
    }
    const step = 4 * 1024 * 1024
    while (this.hashedTo < offset) {
      const end = Math.min(offset, this.hashedTo + step)
      this.hasher.update(new Uint8Array(await this.file.slice(this.hashedTo, end).arrayBuffer()))
      this.hashedTo = end
    }
  }
  add(bytes) {
    this.hasher.update(bytes)
    this.hashedTo += bytes.length
  }
  /** Hex digest of what is hashed so far, leaving the state as it was. */
  peek() {
    const state = this.hasher.save()
    const hex = this.hasher.digest('hex')
    this.hasher.load(state)
    return hex
  }
}

/**
 * Uploads `file` to `path`. report({ state, sent }) is called with 'starting' | 'uploading' | 'reconnecting' |
 * 'verifying' | 'done'. Resolves the server's {path, size, sha256}; rejects with .code on a final error.
 */
export async function uploadFile(file, path, { report, signal, mode = 'rename' }) {
  // hash-wasm's UMD build, loaded by index.html as a classic script.
  const hash = new FileHash(file, await globalThis.hashwasm.createSHA256())
  const key = `${file.name}\n${file.size}\n${file.lastModified}`
  let restart = false
  let upload = null
  let offset = 0
  let attempt = 0
  const check = () => {
    if (signal.aborted) throw new UploadCancelled('cancelled')
  }
  const wait = async () => {
    const ms = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]
    attempt += 1
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, ms)
      signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true })
    })
    check()
  }
  const retryable = (err) =>
    err.code === 'CONNECTION_FAILED' ||
    err.code === 'BUSY' ||
    err.code === 'CONNECTION_CLOSED' ||
    err.status >= 500

  report({ state: 'starting', sent: 0 })
  for (;;) {
    check()
    try {
      if (upload === null) {
        upload = await call('POST', '/api/uploads', { path, size: file.size, key, mode, restart })
        offset = upload.offset
        if (offset > 0) {
          // The server kept bytes from an earlier attempt: they must be this file's, or we start over.
          report({ state: 'verifying', sent: offset })
          await hash.advanceTo(offset)
          if (hash.peek() !== upload.prefixSha256) {
            await call('DELETE', `/api/uploads/${encodeURIComponent(upload.id)}`).catch(() => undefined)
            upload = null
            restart = true
            continue
          }
        }
        restart = false
      }
      while (offset < file.size) {
        check()
        await hash.advanceTo(offset)
        const end = Math.min(file.size, offset + upload.chunkBytes)
        const data = new Uint8Array(await file.slice(offset, end).arrayBuffer())
        report({ state: 'uploading', sent: offset })
        const answer = await sendChunk(
          upload.id,
          offset,
          data,
          (sent) => report({ state: 'uploading', sent }),
          signal,
        )
        if (answer.offset === end && hash.hashedTo === offset) hash.add(data)
        offset = answer.offset
        attempt = 0
      }
      await hash.advanceTo(file.size)
      report({ state: 'verifying', sent: file.size })
      const done = await call('POST', `/api/uploads/${encodeURIComponent(upload.id)}/finish`, {
        sha256: hash.peek(),
      })
      report({ state: 'done', sent: file.size })
      return done
    } catch (err) {
      check()
      if (err.code === 'OFFSET_INVALID' && typeof err.body?.offset === 'number') {
        offset = err.body.offset // the server holds more or less than we thought: continue where it stands
        continue
      }
      if (err.code === 'NOT_FOUND' && upload !== null) {
        upload = null // idled out or the server restarted: a new POST finds the staged bytes
        continue
      }
      if (err.code === 'CHECKSUM_MISMATCH' || err.code === 'SIZE_MISMATCH') throw err
      if (!retryable(err)) throw err
      report({ state: 'reconnecting', sent: offset })
      await wait()
      if (upload !== null) {
        try {
          offset = (await call('GET', `/api/uploads/${encodeURIComponent(upload.id)}`)).offset
        } catch (statusErr) {
          if (statusErr.code === 'NOT_FOUND') upload = null
        }
      }
    }
  }
}
