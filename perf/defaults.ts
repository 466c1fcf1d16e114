// Defaults shared by the engine and the command lines (kept free of imports so parsing stays cheap).
import { availableParallelism } from 'node:os'

export const DEFAULT_MAX_DURATION_MS = 60_000
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000

/** One thread per core minus the one the server (or the coordinator) needs; at least one. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism() - 1)
}
