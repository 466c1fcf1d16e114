// Progress of a perf run on the terminal: a cli-progress bar on a TTY, plain lines otherwise (CI logs).
import { SingleBar, Presets } from 'cli-progress'
import type { PerfEngineEvent } from './engine'

export interface ProgressView {
  onEvent(event: PerfEngineEvent): void
  stop(): void
}

export function createProgressView(stream: NodeJS.WriteStream = process.stderr): ProgressView {
  return stream.isTTY ? new BarView(stream) : new LineView(stream)
}

class BarView implements ProgressView {
  private bar: SingleBar | null = null
  private clients = 0

  constructor(private readonly stream: NodeJS.WriteStream) {}

  onEvent(event: PerfEngineEvent): void {
    if (event.type === 'progress') {
      if (!this.bar || this.clients !== event.clients) {
        this.bar?.stop()
        this.clients = event.clients
        this.bar = new SingleBar(
          {
            stream: this.stream,
            // cli-progress prints its ETA placeholder as NULL or INF until it has a rate, which cut short on a
            // narrow terminal read as garbage ('| LLs'): show the elapsed time, which is always defined.
            format: '{clients} clients [{bar}] {value}/{total} requests | {duration_formatted}',
          },
          Presets.shades_classic,
        )
        this.bar.start(event.total, event.done, { clients: String(event.clients).padStart(5) })
      } else this.bar.update(event.done)
    } else if (event.type === 'point') {
      this.bar?.update(event.point.requests + event.point.errors + event.point.timeouts)
      this.bar?.stop()
      this.bar = null
    }
  }

  stop(): void {
    this.bar?.stop()
    this.bar = null
  }
}

class LineView implements ProgressView {
  constructor(private readonly stream: NodeJS.WriteStream) {}

  onEvent(event: PerfEngineEvent): void {
    if (event.type === 'point') {
      const p = event.point
      this.stream.write(
        `${p.clients} clients: ${p.requests} ok, ${p.errors} errors, ${p.timeouts} timeouts, ` +
          `p50 ${p.p50Ms} ms, p99 ${p.p99Ms} ms, ${p.requestsPerSec} req/s\n`,
      )
    }
  }

  stop(): void {}
}
