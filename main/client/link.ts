// What a transfer needs from its client: a live connection (opened lazily) for one exclusive exchange, with an
// abort signal that destroys it, since destroying the connection is the only way to stop a body mid-stream.
import { FerryError } from '../protocol/error-codes'
import { isServerRefusal, type Connection } from './connection'

export interface Link {
  /** True once the client was closed: a transfer stops retrying. */
  readonly closed: boolean
  /** A live connection; reconnects when the previous one closed (idle, dropped, cancelled). */
  connection(signal?: AbortSignal): Promise<Connection>
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new FerryError('CANCELLED', 'cancelled')
}

/**
 * Runs one exchange on a connection: marks it busy, and destroys it with CANCELLED if the signal fires while the
 * exchange is in flight.
 */
export async function exchange<T>(
  conn: Connection,
  signal: AbortSignal | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  throwIfAborted(signal)
  const onAbort = (): void => conn.destroy(new FerryError('CANCELLED', 'cancelled'))
  signal?.addEventListener('abort', onAbort, { once: true })
  conn.begin()
  try {
    return await fn()
  } catch (err: unknown) {
    // Anything but a clean refusal may have left a frame half sent or half read: the connection is unusable.
    if (!isServerRefusal(err)) {
      conn.destroy(err instanceof FerryError ? err : new FerryError('INTERNAL', String(err), { cause: err }))
    }
    throw err
  } finally {
    signal?.removeEventListener('abort', onAbort)
    conn.end()
  }
}

/** Errors after which the same transfer may continue on a fresh connection. */
export function isDropped(err: unknown): boolean {
  return err instanceof FerryError && (err.code === 'CONNECTION_CLOSED' || err.code === 'CONNECTION_FAILED')
}

/** Short, abortable pause between reconnect attempts (not the first: a dropped link usually reconnects at once). */
export function backoff(attempt: number, signal: AbortSignal | undefined): Promise<void> {
  if (attempt <= 1) return Promise.resolve()
  const ms = Math.min(2000, 100 * 2 ** (attempt - 2))
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(new FerryError('CANCELLED', 'cancelled'))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
