// The browser-mode bridge wire format (the one place it is described; renderer/src/lib/browser-bridge.ts speaks
// it). One WebSocket at /bridge?token=<session token>, opened by the page served from the same origin.
//
// Text frames are JSON:
//   page -> host  { id, method, args }          method: an Api call name, or one of the upload steps below
//   host -> page  { id, result }                result: IpcResult, exactly what the Electron preload returns
//   host -> page  { event, payload }            event: 'host' | 'connection' | 'transfer' | 'perf'
//   host -> page  { ack, bytes } | { ack, error }   upload progress: bytes of upload `ack` written to disk
// Binary frames carry upload bytes: a 4-byte big-endian upload id, then up to CHUNK_BYTES of the file. The page
// keeps at most WINDOW_BYTES unacknowledged, so the host never buffers more than that per upload.
// Upload steps: 'upload.begin' [{ name, size }] -> upload id; binary frames; 'upload.queue' [[{ uploadId,
// relativePath }], remoteDir] -> transfer ids (the staged copies go through the ordinary transfer queue);
// 'upload.abort' [uploadId] -> null.
import { z } from 'zod'
import { MAX_BODY_BYTES } from '../protocol/limits'

export const BRIDGE_PATH = '/bridge'
export const CHUNK_BYTES = 256 * 1024
export const WINDOW_BYTES = 4 * CHUNK_BYTES
export const UPLOAD_ID_BYTES = 4
/** Largest frame the host accepts: a JSON call (a big uploadFiles batch) or one chunk. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024

export const UPLOAD_METHODS = ['upload.begin', 'upload.queue', 'upload.abort'] as const

export const CallMessageSchema = z.strictObject({
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  method: z.string().min(1).max(64),
  args: z.array(z.unknown()).max(8),
})
export type CallMessage = z.infer<typeof CallMessageSchema>

export const UploadBeginSchema = z.tuple([
  z.strictObject({ name: z.string().max(1024), size: z.number().int().min(0).max(MAX_BODY_BYTES) }),
])
export const UploadQueueSchema = z.tuple([
  z
    .array(z.strictObject({ uploadId: z.number().int().min(1), relativePath: z.string().min(1).max(4096) }))
    .max(100_000),
  z.string().max(4096),
])
export const UploadAbortSchema = z.tuple([z.number().int().min(1)])
