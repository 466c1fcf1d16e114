// Argument schemas of every call. The renderer is not trusted: each argument is checked here before a service
// sees it, so the services can rely on their types.
import { isAbsolute } from 'node:path'
import { z } from 'zod'
import { isValidRelativePath } from '../protocol/paths'
import { normalizeFingerprint } from '../security/fingerprint'

/** A '/'-separated path inside the remote share; '' is its root. */
export const remotePath = z
  .string()
  .max(4096)
  .refine((p) => isValidRelativePath(p), { message: 'not a valid path inside the share' })

/** A non-root remote path (something that can be renamed, deleted, created). */
export const remoteItemPath = remotePath.refine((p) => p !== '', {
  message: 'the share root itself is not allowed',
})

export const localPath = z
  .string()
  .min(1)
  .max(32 * 1024)
  .refine((p) => isAbsolute(p), { message: 'must be an absolute path' })
  .refine((p) => !p.includes('\0'), { message: 'must not contain NUL' })

export const port = z.number().int().min(0).max(65_535)
export const transferId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'not a transfer id')

/** An S3 endpoint: http or https, no credentials in it (they have their own fields). */
export const s3Endpoint = z
  .string()
  .trim()
  .min(1, 'enter the S3 endpoint, e.g. http://127.0.0.1:7480')
  .max(2048)
  .refine(
    (text) => {
      if (!URL.canParse(text)) return false
      const url = new URL(text)
      return (
        (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === ''
      )
    },
    { message: 'must be an http:// or https:// address without a user name or password' },
  )

// Messages never echo a value: the secret key's field must not come back in an error.
export const HostS3Schema = z.strictObject({
  endpoint: s3Endpoint,
  bucket: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]$/, 'not a bucket name (3-63 letters, digits, . - _)'),
  prefix: z
    .string()
    .max(512)
    .transform((p) => p.replace(/^\/+|\/+$/g, ''))
    .refine((p) => isValidRelativePath(p), { message: 'not a valid folder inside the bucket' })
    .optional(),
  region: z
    .string()
    .trim()
    .max(64)
    .regex(/^[A-Za-z0-9-]*$/, 'not a region name')
    .optional(),
  accessKeyId: z.string().trim().min(1, 'enter the access key id').max(256),
  secretAccessKey: z.string().max(1024).optional(),
})

export const HostOptionsSchema = z
  .strictObject({
    port,
    root: localPath.optional(),
    s3: HostS3Schema.optional(),
    bindAll: z.boolean(),
    token: z.string().max(1024).optional(),
    readOnly: z.boolean().optional(),
    tls: z.boolean().optional(),
    web: z.strictObject({ port }).optional(),
  })
  .refine((o) => (o.root === undefined) !== (o.s3 === undefined), {
    message: 'give a folder (root) or an S3 bucket (s3), one of the two',
  })

export const hostName = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:\-[\]%_]+$/, 'not a host name or IP address')

/** A SHA-256 fingerprint in any usual spelling; normalized to 'AB:CD:...'. */
export const fingerprint = z
  .string()
  .max(200)
  .transform((text, ctx) => {
    const fp = normalizeFingerprint(text)
    if (fp === null) {
      ctx.addIssue({ code: 'custom', message: 'a fingerprint is 64 hex digits (SHA-256)' })
      return z.NEVER
    }
    return fp
  })

export const ConnectTargetSchema = z.strictObject({
  host: hostName,
  port: port.min(1),
  token: z.string().max(1024).optional(),
  tls: z.boolean().optional(),
  fingerprint: fingerprint.optional(),
})

/** A pasted link: bounded here, checked by security/pairing-link.ts. */
export const pairingLinkText = z.string().max(4096)

/** What the transports hand the transfer service: a file on this machine and where it goes under remoteDir. */
export const LocalUploadItemSchema = z.strictObject({
  localPath,
  relativePath: remoteItemPath,
})
export type LocalUploadItem = z.infer<typeof LocalUploadItemSchema>

export const MAX_BATCH = 100_000

export const PerfOptionsSchema = z.strictObject({
  clientCounts: z.array(z.number().int().min(1).max(10_000)).min(1).max(64),
  sizeBytes: z
    .number()
    .int()
    .min(0)
    .max(1024 ** 3),
  requests: z.number().int().min(1).max(10_000_000),
  mix: z.enum(['get', 'post', 'mixed']),
  target: z.enum(['local', 'connected']),
})

export const FolderPurposeSchema = z.enum(['share', 'download'])
