// Message shapes of protocol v1, as zod schemas: the server validates every request with them and the client
// validates every response, so neither side trusts the other's JSON. The wire format is described in
// docs/PROTOCOL.md.
import { z } from 'zod'
import { ERROR_CODES } from './error-codes'
import {
  FEATURES,
  MAX_BATCH_BYTES,
  MAX_BATCH_FILE_BYTES,
  MAX_BATCH_FILES,
  MAX_BODY_BYTES,
  MAX_HEADER_BYTES,
  PROTOCOL_VERSION,
} from './limits'

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
const byteCount = z.number().int().min(0).max(MAX_BODY_BYTES)
/**
 * Relative '/'-separated path; '' is the share root. Its rules, the byte limit (MAX_PATH_BYTES) included, are
 * checked by parseRelativePath, so a path too long is PATH_INVALID like any other bad path; the schema only
 * bounds the string by what a header can carry.
 */
const wirePath = z.string().max(MAX_HEADER_BYTES)
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits')

export const OverwriteModeSchema = z.enum(['fail', 'overwrite', 'rename'])
export type OverwriteMode = z.infer<typeof OverwriteModeSchema>

export const HelloSchema = z.object({
  type: z.literal('hello'),
  protocol: z.number().int(),
  server: z.string().max(256),
  idleTimeoutMs: z.number().int().positive(),
  /** 'token': the client must send AUTH before anything else (protocol room for a later access check). */
  auth: z.enum(['none', 'token']),
  tls: z.boolean(),
  readOnly: z.boolean(),
  limits: z.object({
    maxHeaderBytes: z.number().int().positive(),
    maxNameBytes: z.number().int().positive(),
    maxPathBytes: z.number().int().positive(),
    maxPathDepth: z.number().int().positive(),
  }),
  /** Optional features (see FEATURES); a server that sends none has none. Unknown names are ignored. */
  features: z.array(z.string().max(64)).max(64).optional(),
})
export type Hello = z.infer<typeof HelloSchema>

export const RequestSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('AUTH'), id, token: z.string().max(1024) }),
  z.object({ op: z.literal('PING'), id }),
  z.object({ op: z.literal('LIST'), id, path: wirePath }),
  z.object({ op: z.literal('STAT'), id, path: wirePath }),
  /**
   * Feature 'tree': the entries below a folder, depth first in name order, a page at a time. `after` is the
   * previous page's `next` (the last path it held): pages are stateless, so any connection may ask for the next.
   */
  z.object({ op: z.literal('TREE'), id, path: wirePath, after: wirePath.optional() }),
  /**
   * Feature 'put-batch': many small files in one frame. The body is the files' bytes back to back in `files`
   * order. Each file is checked, verified and placed on its own (one failing does not fail the others); the
   * batch is made durable as a group before the answer, which lists one result per file.
   */
  z.object({
    op: z.literal('PUT_BATCH'),
    id,
    mode: OverwriteModeSchema,
    files: z
      .array(
        z.object({
          path: wirePath,
          size: z.number().int().min(0).max(MAX_BATCH_FILE_BYTES),
          sha256: sha256Hex,
        }),
      )
      .min(1)
      .max(MAX_BATCH_FILES),
    body: z.number().int().min(0).max(MAX_BATCH_BYTES),
    /**
     * A file already at its target with exactly these bytes counts as stored (answered with `existed`), whatever
     * the mode: a job run again, or a batch sent again after a dropped connection, finishes without duplicates.
     */
    skipIdentical: z.boolean().optional(),
  }),
  z.object({ op: z.literal('GET'), id, path: wirePath, offset: byteCount.optional() }),
  z
    .object({
      op: z.literal('PUT'),
      id,
      path: wirePath,
      size: byteCount,
      /**
       * SHA-256 of the whole file, known before sending ("up-front" form). Without it the upload is streamed:
       * the client sends the hash after the body in DATA_END.
       */
      sha256: sha256Hex.optional(),
      /**
       * Streamed form only: a client-chosen name for this version of the local file (the client derives it from
       * the file's identity), so a retry finds the partial upload again. Without it a streamed upload cannot be
       * resumed.
       */
      uploadKey: sha256Hex.optional(),
      mode: OverwriteModeSchema,
      /** Ask the server to continue a matching partial upload (same path, size and sha256 or uploadKey). */
      resume: z.boolean().optional(),
    })
    .refine((put) => put.sha256 === undefined || put.uploadKey === undefined, {
      message: 'sha256 (up-front form) and uploadKey (streamed form) exclude each other',
      path: ['uploadKey'],
    }),
  /** The body of the PUT with the same id; sent only after the server answered { ready: true, offset }. */
  z.object({ op: z.literal('DATA'), id, body: byteCount }),
  /** Streamed PUT only, right after its DATA body: the SHA-256 of the whole file, checked before it is placed. */
  z.object({ op: z.literal('DATA_END'), id, sha256: sha256Hex }),
  /**
   * Abandons a PUT that is ready (or streamed and waiting for its DATA_END). Its partial stays for a resume unless
   * `discard` is set (the client knows it is stale: its local file changed).
   */
  z.object({ op: z.literal('CANCEL'), id, discard: z.boolean().optional() }),
  z.object({ op: z.literal('MKDIR'), id, path: wirePath, parents: z.boolean().optional() }),
  z.object({ op: z.literal('DELETE'), id, path: wirePath, recursive: z.boolean().optional() }),
  z.object({
    op: z.literal('RENAME'),
    id,
    from: wirePath,
    to: wirePath,
    mode: z.enum(['fail', 'overwrite']).optional(),
  }),
])
export type Request = z.infer<typeof RequestSchema>
export type RequestOp = Request['op']
export const REQUEST_OPS = RequestSchema.options.map((o) => o.shape.op.value)

export const EntryTypeSchema = z.enum(['file', 'dir'])
export const EntrySchema = z.object({
  name: z.string().min(1).max(1024),
  type: EntryTypeSchema,
  size: byteCount,
  mtimeMs: z.number(),
})
export type Entry = z.infer<typeof EntrySchema>
export const ListingSchema = z.array(EntrySchema)
/** A TREE entry: like a LIST entry, with its whole wire path instead of its name. */
export const TreeEntrySchema = z.object({
  path: wirePath.min(1),
  type: EntryTypeSchema,
  size: byteCount,
  mtimeMs: z.number(),
})
export type TreeEntry = z.infer<typeof TreeEntrySchema>
export const TreePageSchema = z.array(TreeEntrySchema)

export const WireErrorSchema = z.object({ code: z.enum(ERROR_CODES), message: z.string().max(4096) })
export type WireError = z.infer<typeof WireErrorSchema>

/** One PUT_BATCH file's fate, in the order of the request's files. */
export const BatchResultSchema = z.union([
  z.object({
    ok: z.literal(true),
    path: wirePath,
    size: byteCount,
    sha256: sha256Hex,
    existed: z.boolean().optional(),
  }),
  z.object({ ok: z.literal(false), error: WireErrorSchema }),
])
export type BatchResult = z.infer<typeof BatchResultSchema>
export const BatchResultsSchema = z.array(BatchResultSchema)

const failure = z.object({ re: id, ok: z.literal(false), error: WireErrorSchema })

/** Success payloads, per operation and phase. */
export const ResponseSchemas = {
  AUTH: z.object({ re: id, ok: z.literal(true) }),
  PING: z.object({ re: id, ok: z.literal(true), time: z.number() }),
  LIST: z.object({ re: id, ok: z.literal(true), count: z.number().int().min(0), body: byteCount }),
  STAT: z.object({ re: id, ok: z.literal(true), entry: EntrySchema.extend({ path: wirePath }) }),
  /** The page travels as a JSON body (TreePageSchema); `next` is absent on the last page. */
  TREE: z.object({
    re: id,
    ok: z.literal(true),
    count: z.number().int().min(0),
    body: byteCount,
    next: wirePath.optional(),
  }),
  /** Sent once the batch is durable; the results travel as a JSON body (BatchResultsSchema). */
  PUT_BATCH: z.object({ re: id, ok: z.literal(true), count: z.number().int().min(0), body: byteCount }),
  GET_START: z.object({
    re: id,
    ok: z.literal(true),
    size: byteCount,
    offset: byteCount,
    mtimeMs: z.number(),
    body: byteCount,
  }),
  /** Sent after a GET body: SHA-256 of the whole file (bytes before the offset included). */
  GET_DONE: z.object({ re: id, ok: z.literal(true), done: z.literal(true), sha256: sha256Hex }),
  PUT_READY: z.object({
    re: id,
    ok: z.literal(true),
    ready: z.literal(true),
    offset: byteCount,
    /** SHA-256 of the partial's first `offset` bytes, sent when offset > 0: the client checks it holds its bytes. */
    prefixSha256: sha256Hex.optional(),
  }),
  PUT_DONE: z.object({
    re: id,
    ok: z.literal(true),
    done: z.literal(true),
    path: wirePath,
    size: byteCount,
    sha256: sha256Hex,
  }),
  MKDIR: z.object({ re: id, ok: z.literal(true), path: wirePath }),
  DELETE: z.object({ re: id, ok: z.literal(true) }),
  RENAME: z.object({ re: id, ok: z.literal(true), path: wirePath }),
  CANCEL: z.object({ re: id, ok: z.literal(true) }),
} as const

export const FailureSchema = failure
export type Failure = z.infer<typeof FailureSchema>

/** Unsolicited server notice, sent just before the server closes a connection (idle timeout, protocol error, stop). */
export const NoticeSchema = z.object({ type: z.literal('notice'), error: WireErrorSchema })
export type Notice = z.infer<typeof NoticeSchema>

export function makeHello(fields: Omit<Hello, 'type' | 'protocol' | 'features'>): Hello {
  return { type: 'hello', protocol: PROTOCOL_VERSION, ...fields, features: [...FEATURES] }
}

/** Turns a zod failure into one short human line for a PROTOCOL error. */
export function describeIssues(error: z.ZodError): string {
  const first = error.issues[0]
  if (!first) return 'invalid message'
  const where = first.path.length > 0 ? first.path.join('.') : 'message'
  return `${where}: ${first.message}`
}
