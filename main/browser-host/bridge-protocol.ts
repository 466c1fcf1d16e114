// The browser-mode bridge wire format (the one place it is described; renderer/src/lib/browser-bridge.ts speaks
// it). One WebSocket at /bridge?token=<session token>, opened by the page served from the same origin, for calls
// and events; upload bytes go over HTTP to the same origin (below).
//
// Text frames are JSON:
//   page -> host  { id, method, args }          method: an Api call name, or one of the upload steps below
//   host -> page  { id, result }                result: IpcResult, exactly what the Electron preload returns
//   host -> page  { event, payload }            event: 'host' | 'connection' | 'transfer' | 'perf' | 'pairing'
//
// Uploads: the page's files are not on this machine, so it sends their bytes, and the transfer queue uploads the
// copies staged here. 'upload.start' [[{ relativePath, size }], remoteDir] -> [{ transferId, stream, items }]
// plans the jobs as any upload (one per top folder) and adds them at once, in the 'sending' phase; each job has
// one byte stream, named by an unguessable `stream` key, that carries its files `items` (indices into the list)
// back to back, in that order. The bytes go over HTTP, not the WebSocket (a browser sends a Blob over fetch many
// times faster, reading it from disk itself): POST UPLOAD_PATH + stream + '?offset=N' with the session token as
// 'Authorization: Bearer <token>' and the page's Origin, the body the stream's next bytes from offset N (any
// length: a big file whole, or many small files together). The host takes the body as it comes (pausing it
// while more than WINDOW_BYTES wait for the disk), so the job counts from the first byte, and answers once the
// bytes are on disk: 200 { bytes } (the stream's bytes so far), or an error status with an ApiError: CANCELLED
// (410) when the stream is over (cancelled from any window, failed), OFFSET_INVALID or SIZE_MISMATCH (409) for
// bytes that do not follow or are more than declared. Cancelling a job cuts its request off mid-body. When a
// stream's files are all here its job joins the transfer queue. 'upload.abort' [stream, { code, message }] ->
// null: the page cannot send a file (unreadable, its request failed); the job fails with that error. A page that
// goes away fails its unfinished jobs; the staged bytes of a job that stopped while sending are removed.
import { z } from 'zod'
import { ERROR_CODES } from '../protocol/error-codes'
import { MAX_BODY_BYTES } from '../protocol/limits'
import { MAX_BATCH, remotePath, remoteItemPath } from '../ipc/schemas'

export const BRIDGE_PATH = '/bridge'
/** Where a page POSTs the bytes of its upload streams (followed by the stream key). */
export const UPLOAD_PATH = '/bridge/upload/'
/** Bytes of one stream the host holds in memory before pausing the request that brings them. */
export const WINDOW_BYTES = 8 * 1024 * 1024
/** Largest WebSocket message the host accepts: a JSON call (a big upload.start). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024

export const UPLOAD_METHODS = ['upload.start', 'upload.abort'] as const

export const CallMessageSchema = z.strictObject({
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  method: z.string().min(1).max(64),
  args: z.array(z.unknown()).max(8),
})
export type CallMessage = z.infer<typeof CallMessageSchema>

export const UploadStartSchema = z.tuple([
  z
    .array(
      z.strictObject({
        relativePath: remoteItemPath,
        size: z.number().int().min(0).max(MAX_BODY_BYTES),
      }),
    )
    .min(1)
    .max(MAX_BATCH),
  remotePath,
  z.strictObject({ stopOnError: z.boolean().optional() }).optional(),
])

/** One job of an upload.start answer. */
export interface UploadStream {
  transferId: string
  /** The key its bytes are POSTed to (UPLOAD_PATH + stream). */
  stream: string
  /** Indices into the started list, in the order the stream carries their bytes. */
  items: number[]
}

/** An upload stream key: 32 hex digits. */
export const StreamKeySchema = z.string().regex(/^[0-9a-f]{32}$/, 'not an upload stream')

export const UploadAbortSchema = z.tuple([
  StreamKeySchema,
  z.strictObject({ code: z.enum(ERROR_CODES), message: z.string().max(4096) }),
])
