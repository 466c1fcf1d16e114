// The result envelope: every service call resolves to IpcResult and never throws. Arguments are validated with
// zod before any work is done; failures map to stable FerryError codes, unknown errors to INTERNAL with a readable
// message (never a stack).
import { z } from 'zod'
import type { ApiError, IpcResult } from '../../preload/api'
import { FerryError, fromSystemError } from '../protocol/error-codes'

export function ok<T>(value: T): IpcResult<T> {
  return { ok: true, value }
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof FerryError) {
    const details = detailsOf(err)
    return details
      ? { code: err.code, message: err.message, details }
      : { code: err.code, message: err.message }
  }
  if (err instanceof z.ZodError) return { code: 'INVALID_ARGUMENT', message: describeZodError(err) }
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') {
    const mapped = fromSystemError(err, 'operation failed')
    return { code: mapped.code, message: mapped.message }
  }
  if (err instanceof Error) return { code: 'INTERNAL', message: err.message || err.name }
  return { code: 'INTERNAL', message: String(err) }
}

/** A FerryError subclass's `details` (see security/fingerprint-mismatch.ts), when it is a record of strings. */
function detailsOf(err: FerryError): Record<string, string> | null {
  const details: unknown = (err as { details?: unknown }).details
  if (typeof details !== 'object' || details === null) return null
  const entries = Object.entries(details).filter((e): e is [string, string] => typeof e[1] === 'string')
  return entries.length > 0 ? Object.fromEntries(entries) : null
}

export function describeZodError(error: z.ZodError): string {
  const first = error.issues[0]
  if (!first) return 'invalid arguments'
  // Users read this: name the field ("host"), not the call's argument position ("argument 0.host").
  const fields = first.path.filter((p): p is string => typeof p === 'string')
  return fields.length > 0 ? `${fields.join('.')}: ${first.message}` : first.message
}

/** A validated call: the raw transport arguments are checked against `args`, then `impl` runs. */
export type Handler<T> = (...args: unknown[]) => Promise<IpcResult<T>>

export function handler<A extends z.ZodTuple, T>(
  args: A,
  impl: (...args: z.infer<A>) => Promise<T> | T,
): Handler<T> {
  return async (...raw: unknown[]) => {
    const parsed = args.safeParse(raw)
    if (!parsed.success) return { ok: false, error: toApiError(parsed.error) }
    try {
      return ok(await impl(...(parsed.data as z.infer<A>)))
    } catch (err: unknown) {
      return { ok: false, error: toApiError(err) }
    }
  }
}
