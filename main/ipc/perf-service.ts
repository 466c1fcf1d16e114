// The performance test: wraps the perf engine's runPerf, gives each run an id, forwards its events as PerfEvent,
// and runs one test at a time. The 'connected' target is the server this window is connected to.
import { randomUUID } from 'node:crypto'
import type { PerfEvent, PerfOptions } from '../../preload/api'
import { FerryError } from '../protocol/error-codes'
import type { Backends, PerfParams } from './backends'
import { toApiError } from './result'
import type { ServerTarget } from './secure-access'
import type { ServiceEvents } from './service-events'

export class PerfService {
  private run: { id: string; controller: AbortController; finished: Promise<void> } | null = null

  constructor(
    private readonly events: ServiceEvents,
    private readonly backends: Pick<Backends, 'runPerf'>,
    private readonly connectedTarget: () => ServerTarget | null,
  ) {}

  start(options: PerfOptions): string {
    if (this.run) throw new FerryError('BUSY', 'a performance test is already running')
    let target: PerfParams['target'] = 'local'
    if (options.target === 'connected') {
      const connected = this.connectedTarget()
      if (!connected)
        throw new FerryError('CONNECTION_CLOSED', 'connect to a server first, or test a local one')
      target = perfTarget(connected)
    }
    const runId = randomUUID()
    const controller = new AbortController()
    const { clientCounts, sizeBytes, requests, mix } = options
    const emit = (event: PerfEvent): void => this.events.emit('perf', event)
    const finished = this.backends
      .runPerf(
        { clientCounts, sizeBytes, requests, mix, target },
        (e) => {
          // 'done' and 'failed' are sent once, below, from the run's outcome.
          if (e.type === 'progress' || e.type === 'point') emit({ ...e, runId })
        },
        controller.signal,
      )
      .then(
        (points) => emit({ type: 'done', runId, points }),
        (err: unknown) => emit({ type: 'failed', runId, error: toApiError(err) }),
      )
      .finally(() => {
        if (this.run?.id === runId) this.run = null
      })
    this.run = { id: runId, controller, finished }
    return runId
  }

  cancel(): null {
    this.run?.controller.abort()
    return null
  }

  /** Resolves once the current run (if any) has ended and its last event was sent. */
  async settled(): Promise<void> {
    await this.run?.finished
  }

  async dispose(): Promise<void> {
    this.cancel()
    await this.settled()
  }
}

/** The run's clients use the window's token and pin the certificate its connection verified: never plaintext. */
function perfTarget(connected: ServerTarget): Exclude<PerfParams['target'], 'local'> {
  const { host, port, token, tls, fingerprint } = connected
  if (tls && !fingerprint) {
    throw new FerryError('INTERNAL', 'the TLS connection has no verified fingerprint; reconnect first')
  }
  return { host, port, ...(token ? { token } : {}), ...(tls ? { fingerprint } : {}) }
}
