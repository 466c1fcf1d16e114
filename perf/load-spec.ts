// What one load thread is asked to do in a step and what it reports back; plain data so it crosses postMessage.

export type PerfMix = 'get' | 'post' | 'mixed'

export interface LoadTarget {
  host: string
  port: number
  token?: string
  /** Speak TLS and pin exactly this certificate fingerprint (a string, so it crosses to worker threads). */
  fingerprint?: string
}

/** FerryClient.connect options for a target: TLS pinned to its fingerprint when it has one. */
export function ferryConnectOptions(target: LoadTarget): {
  host: string
  port: number
  token?: string
  tls?: { fingerprint: string }
} {
  const { host, port, token, fingerprint } = target
  return { host, port, ...(token ? { token } : {}), ...(fingerprint ? { tls: { fingerprint } } : {}) }
}

export interface LoadSpec {
  target: LoadTarget
  /** 'raw-echo' drives the raw TCP baseline (raw-echo.ts) instead of Ferry, with the same loop and stats. */
  protocol: 'ferry' | 'raw-echo'
  /** Clients this thread runs. */
  clients: number
  /** Global index of this thread's first client, so upload names never collide across threads. */
  firstClient: number
  mix: PerfMix
  sizeBytes: number
  /** Remote files to GET; client i reads getPaths[i % length]. */
  getPaths: string[]
  /** Remote folder that uploads go to (one file per client, overwritten each time). */
  postDir: string
  /** Requests in the whole step, across every thread (claimed from a shared counter). */
  totalRequests: number
  requestTimeoutMs: number
  connectTimeoutMs: number
}

export interface LoadResult {
  /** Successful requests' latency, HDR histogram, compressed base64 (see latency.ts). */
  histogram: string
  ok: number
  errors: number
  timeouts: number
  bytes: number
  /** Clients that could not connect at all. */
  connectErrors: number
  /** Absolute high-resolution times (performance.timeOrigin + now) of the first send and last answer. */
  firstSendAt: number
  lastAnswerAt: number
  /** CPU milliseconds of the thread during the run, null when the platform does not tell. */
  cpuMs: number | null
  /** A few distinct error messages, for the report. */
  errorSamples: string[]
}

/** Int32 slots of the SharedArrayBuffer every thread of a step shares. */
export const COUNTER = { claimed: 0, finished: 1, stop: 2 } as const
export const COUNTER_SLOTS = 3

export function createCounters(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(COUNTER_SLOTS * Int32Array.BYTES_PER_ELEMENT))
}
