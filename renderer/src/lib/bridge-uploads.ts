// Browser mode's uploads: the page's files are not on Ferry's machine, so the page sends their bytes. One
// upload.start call makes the jobs (they show at once, 'sending'), then each job's files go as one stream of
// bytes, POSTed a piece at a time: a big file whole, as a Blob the browser reads from disk by itself (the page
// never holds it), small files a few hundred together. Ferry counts the bytes as they arrive, and cancelling a
// job cuts its request off. The wire format is described in main/browser-host/bridge-protocol.ts; the
// constants below mirror it.
import type { ApiError, IpcResult, JobOptions, UploadItem } from '../../../preload/api'

const UPLOAD_PATH = '/bridge/upload/'
/** A file this big (or bigger) is POSTed on its own, straight from the file. */
const BIG_FILE_BYTES = 1024 * 1024
/** Smaller files are read and POSTed together, this many bytes and files at most. */
const GROUP_BYTES = 1024 * 1024
const GROUP_FILES = 256
/** Jobs of one upload.start sent side by side (many one-file jobs go faster two at a time). */
const STREAMS_AT_ONCE = 2

/** One job of an upload.start answer (bridge-protocol.ts UploadStream). */
interface UploadStream {
  transferId: string
  stream: string
  items: number[]
}

/** POSTs a stream's next bytes: resolves null once Ferry has them on disk, else with why not. */
export type BytesSender = (
  stream: string,
  offset: number,
  body: Blob | Uint8Array<ArrayBuffer>,
) => Promise<ApiError | null>

/** What the uploader needs of the bridge. */
export interface UploadChannel {
  call<T>(method: string, ...args: unknown[]): Promise<IpcResult<T>>
  send: BytesSender
}

export interface Uploader {
  uploadFiles(items: UploadItem[], remoteDir: string, options?: JobOptions): Promise<IpcResult<string[]>>
}

/** The sender over fetch: `origin` is the host's ('' in the page itself), headers what a test must add. */
export function httpSender(origin: string, token: string, headers: Record<string, string> = {}): BytesSender {
  return async (stream, offset, body) => {
    let response: Response
    try {
      response = await fetch(`${origin}${UPLOAD_PATH}${stream}?offset=${offset}`, {
        method: 'POST',
        body,
        headers: { ...headers, Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
      })
    } catch {
      return { code: 'CONNECTION_CLOSED', message: 'the upload request was cut off' }
    }
    const answer = (await response.json().catch(() => null)) as ApiError | null
    if (response.ok) return null
    return answer?.code
      ? answer
      : { code: 'INTERNAL', message: `Ferry answered the upload with ${response.status}` }
  }
}

export function createUploader(channel: UploadChannel): Uploader {
  /** Sends one job's stream; a stream that stops early has failed or ended its job (the host knows why). */
  async function sendStream(job: UploadStream, files: File[]): Promise<void> {
    const cursor = { index: 0 }
    // The next piece is read while this one is sent (and may be abandoned: its failure is moot then).
    const prefetch = () => {
      const piece = nextPiece(files, cursor)
      piece.catch(() => undefined)
      return piece
    }
    let next = prefetch()
    let sent = 0
    for (;;) {
      let body: Blob | Uint8Array<ArrayBuffer> | null
      try {
        body = await next
      } catch (err: unknown) {
        await channel.call('upload.abort', job.stream, readError(err))
        return
      }
      if (!body) return
      next = prefetch()
      const error = await channel.send(job.stream, sent, body)
      if (error) {
        // A request cut off is a cancel (the host knows), or a file the browser could not read as it sent it
        // (the host does not): say so; after a cancel it changes nothing.
        if (error.code === 'CONNECTION_CLOSED') {
          await channel.call('upload.abort', job.stream, {
            code: 'CONNECTION_CLOSED',
            message: 'could not send a dropped file to Ferry: was it moved or changed since it was dropped?',
          })
        }
        return
      }
      sent += body instanceof Blob ? body.size : body.byteLength
    }
  }

  async function sendAll(jobs: UploadStream[], items: UploadItem[]): Promise<void> {
    let next = 0
    const worker = async () => {
      for (let job = jobs[next++]; job; job = jobs[next++]) {
        await sendStream(
          job,
          job.items.map((i) => items[i]?.file ?? new File([], '')),
        )
      }
    }
    await Promise.all(Array.from({ length: STREAMS_AT_ONCE }, worker))
  }

  return {
    async uploadFiles(items, remoteDir, options) {
      const files = items.map((item) => ({ relativePath: item.relativePath, size: item.file.size }))
      const started = options
        ? await channel.call<UploadStream[]>('upload.start', files, remoteDir, options)
        : await channel.call<UploadStream[]>('upload.start', files, remoteDir)
      if (!started.ok) return started
      // The jobs exist now (the Transfers panel shows them); their bytes follow in the background.
      void sendAll(started.value, items)
      return { ok: true, value: started.value.map((job) => job.transferId) }
    },
  }
}

/**
 * The next piece of a stream, or null at its end: a big file as it is (a Blob: nothing read here), or the small
 * files after it read side by side and joined (composing a Blob of thousands of Files would be one long task).
 * Empty files have no bytes to send.
 */
async function nextPiece(
  files: File[],
  cursor: { index: number },
): Promise<Blob | Uint8Array<ArrayBuffer> | null> {
  while (files[cursor.index]?.size === 0) cursor.index++
  const first = files[cursor.index]
  if (!first) return null
  if (first.size >= BIG_FILE_BYTES) {
    cursor.index++
    return first
  }
  const group: File[] = []
  let bytes = 0
  for (let file = files[cursor.index]; file && group.length < GROUP_FILES; file = files[cursor.index]) {
    if (file.size >= BIG_FILE_BYTES || bytes + file.size > GROUP_BYTES) break
    if (file.size > 0) group.push(file)
    bytes += file.size
    cursor.index++
  }
  const buffers = await Promise.all(group.map((file) => file.arrayBuffer()))
  const body = new Uint8Array(bytes)
  let at = 0
  for (const buffer of buffers) {
    body.set(new Uint8Array(buffer), at)
    at += buffer.byteLength
  }
  return body
}

/** Why the page could not read a dropped file (it was moved, deleted or is unreadable since the drop). */
function readError(err: unknown): ApiError {
  const name = err instanceof Error ? err.name : ''
  const message = err instanceof Error ? err.message : String(err)
  if (name === 'NotFoundError') return { code: 'NOT_FOUND', message: `a dropped file is gone: ${message}` }
  return { code: 'PERMISSION_DENIED', message: `could not read a dropped file: ${message}` }
}
