// The closed loop one thread runs: each client sends its next request as soon as the previous one is answered,
// claiming work from a counter shared by every thread of the step, until the requests or the time run out.
// Used by the worker threads and, when workers are off, directly in the caller's thread.
import { randomBytes } from 'node:crypto'
import { setMaxListeners } from 'node:events'
import { FerryClient } from '../main/client'
import { FerryError } from '../main/protocol/error-codes'
import { createLatencyHistogram, encodeHistogram, recordLatencyMs } from './latency'
import type { LoadResult, LoadSpec } from './load-spec'
import { COUNTER, ferryConnectOptions } from './load-spec'
import { RawEchoClient } from './raw-echo'
import { threadCpuMs } from './thread-cpu'

/** Opening hundreds of connections at once overflows the listen backlog; open them in waves. */
const CONNECT_WAVE = 128
const MAX_ERROR_SAMPLES = 5
const WATCHDOG_MS = 100

const now = (): number => performance.timeOrigin + performance.now()

/** What the loop needs of a client: FerryClient, or the raw baseline's RawEchoClient. */
type LoadClient = Pick<FerryClient, 'getBuffer' | 'putBuffer' | 'closed' | 'close'>

interface Slot {
  index: number
  client: LoadClient | null
  controller: AbortController
  startedAt: number
  timedOut: boolean
}

export class LoadRunner {
  private readonly slots: Slot[] = []
  private readonly stop = new AbortController()
  private connectErrors = 0
  private readonly samples = new Set<string>()

  constructor(
    private readonly spec: LoadSpec,
    private readonly counters: Int32Array,
  ) {
    // Every client's connect (and the deadline) listens on this one signal at the same time.
    setMaxListeners(0, this.stop.signal)
  }

  /** Opens every client of this thread; failures are counted, not thrown. */
  async connect(): Promise<number> {
    for (let i = 0; i < this.spec.clients; i += CONNECT_WAVE) {
      if (this.stop.signal.aborted) break
      const wave = Array.from({ length: Math.min(CONNECT_WAVE, this.spec.clients - i) }, (_, k) => i + k)
      const opened = await Promise.all(wave.map(() => this.open()))
      for (const [k, index] of wave.entries()) {
        this.slots.push({
          index: this.spec.firstClient + index,
          client: opened[k] ?? null,
          controller: new AbortController(),
          startedAt: 0,
          timedOut: false,
        })
      }
    }
    return this.connectErrors
  }

  /** Runs the closed loop until the shared request budget or `deadlineAt` (epoch ms) is reached. */
  async run(deadlineAt: number): Promise<LoadResult> {
    const histogram = createLatencyHistogram()
    const tally = { ok: 0, errors: 0, timeouts: 0, bytes: 0, first: Number.POSITIVE_INFINITY, last: 0 }
    const payload = this.spec.mix === 'get' ? Buffer.alloc(0) : randomBytes(this.spec.sizeBytes)
    const cpuStart = threadCpuMs()
    // Requests still in flight at the deadline are abandoned and not counted: the step is over.
    const deadline = setTimeout(() => this.abortAll(), Math.max(0, deadlineAt - Date.now()))
    const watchdog = setInterval(() => this.expireSlow(), WATCHDOG_MS)
    try {
      await Promise.all(this.slots.map((slot) => this.loop(slot, payload, histogram, tally)))
    } finally {
      clearTimeout(deadline)
      clearInterval(watchdog)
    }
    const cpuEnd = threadCpuMs()
    const result: LoadResult = {
      histogram: encodeHistogram(histogram),
      ok: tally.ok,
      errors: tally.errors,
      timeouts: tally.timeouts,
      bytes: tally.bytes,
      connectErrors: this.connectErrors,
      firstSendAt: Number.isFinite(tally.first) ? tally.first : 0,
      lastAnswerAt: tally.last,
      cpuMs: cpuStart === null || cpuEnd === null ? null : cpuEnd - cpuStart,
      errorSamples: [...this.samples],
    }
    histogram.destroy()
    return result
  }

  /** Stops the loop now (cancellation); in-flight requests are aborted. */
  abortAll(): void {
    Atomics.store(this.counters, COUNTER.stop, 1)
    this.stop.abort()
    for (const slot of this.slots) slot.controller.abort()
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.slots.map((slot) => slot.client?.close()))
  }

  private async open(): Promise<LoadClient | null> {
    try {
      const { host, port, token } = this.spec.target
      const options = {
        host,
        port,
        token,
        connectTimeoutMs: this.spec.connectTimeoutMs,
        signal: this.stop.signal,
      }
      return this.spec.protocol === 'raw-echo'
        ? await RawEchoClient.connect(options)
        : await FerryClient.connect({ ...options, ...ferryConnectOptions(this.spec.target) })
    } catch (e: unknown) {
      if (this.stop.signal.aborted) return null
      this.connectErrors += 1
      this.sample(e)
      return null
    }
  }

  private async loop(
    slot: Slot,
    payload: Buffer,
    histogram: ReturnType<typeof createLatencyHistogram>,
    tally: { ok: number; errors: number; timeouts: number; bytes: number; first: number; last: number },
  ): Promise<void> {
    const { counters, spec } = this
    while (!this.stop.signal.aborted && Atomics.load(counters, COUNTER.stop) === 0) {
      const n = Atomics.add(counters, COUNTER.claimed, 1)
      if (n >= spec.totalRequests) return
      if (!slot.client || slot.client.closed) {
        slot.client = await this.open()
        if (!slot.client) {
          tally.errors += 1
          Atomics.add(counters, COUNTER.finished, 1)
          continue
        }
      }
      const isGet = spec.mix === 'get' || (spec.mix === 'mixed' && n % 2 === 0)
      if (slot.controller.signal.aborted) slot.controller = new AbortController()
      slot.timedOut = false
      const signal = slot.controller.signal
      const started = now()
      slot.startedAt = started
      tally.first = Math.min(tally.first, started)
      try {
        if (isGet) {
          const path = spec.getPaths[slot.index % spec.getPaths.length] ?? ''
          const data = await slot.client.getBuffer(path, { signal, maxBytes: spec.sizeBytes })
          tally.bytes += data.length
        } else {
          await slot.client.putBuffer(`${spec.postDir}/c${slot.index}.bin`, payload, {
            mode: 'overwrite',
            signal,
          })
          tally.bytes += payload.length
        }
        const ended = now()
        slot.startedAt = 0
        recordLatencyMs(histogram, ended - started)
        tally.ok += 1
        tally.last = Math.max(tally.last, ended)
      } catch (e: unknown) {
        slot.startedAt = 0
        if (this.stop.signal.aborted) return
        if (slot.timedOut || (e instanceof FerryError && e.code === 'TIMEOUT')) tally.timeouts += 1
        else {
          tally.errors += 1
          this.sample(e)
        }
        tally.last = Math.max(tally.last, now())
      }
      Atomics.add(counters, COUNTER.finished, 1)
    }
  }

  private expireSlow(): void {
    const limit = now() - this.spec.requestTimeoutMs
    for (const slot of this.slots) {
      if (slot.startedAt !== 0 && slot.startedAt < limit && !slot.timedOut) {
        slot.timedOut = true
        slot.controller.abort()
      }
    }
  }

  private sample(e: unknown): void {
    if (this.samples.size >= MAX_ERROR_SAMPLES) return
    const text =
      e instanceof FerryError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e)
    this.samples.add(text)
  }
}
