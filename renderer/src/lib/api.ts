// The renderer's only door to the back end. window.ferry is installed by the Electron preload or by the
// browser-mode bridge; everything else in the renderer receives the Api from here (or a FakeApi in tests).
import type { Api, ApiError, IpcResult } from '../../../preload/api'

export type { Api, ApiError, IpcResult }

export class ApiUnavailableError extends Error {
  constructor() {
    super('The Ferry back end is not available (window.ferry is missing).')
    this.name = 'ApiUnavailableError'
  }
}

export function hasApi(): boolean {
  return typeof window !== 'undefined' && window.ferry !== undefined
}

export function getApi(): Api {
  const api = typeof window !== 'undefined' ? window.ferry : undefined
  if (!api) throw new ApiUnavailableError()
  return api
}

// Errors as users read them (message and hint; the code as a tooltip) are worded in error-text.ts.
export { describeError, errorCodeTitle } from './error-text'

/** Turns anything thrown (a bridge that broke its promise not to throw) into an ApiError. */
export function toApiError(e: unknown): ApiError {
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) {
    const { code, message } = e as ApiError
    if (typeof code === 'string' && typeof message === 'string') return { code, message }
  }
  const message = e instanceof Error ? e.message : String(e)
  return { code: 'INTERNAL', message }
}

/** Awaits a bridge call and never rejects: a rejected promise becomes an INTERNAL error result. */
export async function call<T>(promise: Promise<IpcResult<T>>): Promise<IpcResult<T>> {
  try {
    return await promise
  } catch (e: unknown) {
    return { ok: false, error: toApiError(e) }
  }
}
