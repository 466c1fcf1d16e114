// Parent side of server-child.ts: starts a benchmark server in a child process (tsx loader, optional
// --cpu-prof) and asks it for its memory and CPU.
import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { FerryError } from '../../main/protocol/error-codes'
import type { ServerOptions } from '../../main/server'

export interface ChildSpec {
  mode: 'ferry' | 'raw-echo' | 'raw-bulk'
  root?: string
  ferry?: Omit<ServerOptions, 'root' | 'host' | 'port'>
  /** Share this bucket through an S3Store instead of `root`; endpoint and credentials come from FERRY_S3_*. */
  s3Bucket?: string
}

export type ChildRequest = { type: 'stats' } | { type: 'reset-peak' } | { type: 'stop' }

export interface ServerStats {
  rss: number
  peakRss: number
  heapUsed: number
  cpuMs: number
  clients: number
}

export type ChildReply =
  { type: 'listening'; port: number } | ({ type: 'stats' } & ServerStats) | { type: 'peak-reset' }

const ENTRY = fileURLToPath(new URL('./server-child.ts', import.meta.url))
const START_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 30_000

export class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  get pid(): number {
    return this.child.pid ?? 0
  }

  static async start(spec: ChildSpec, options: { cpuProfDir?: string } = {}): Promise<ServerProcess> {
    const execArgv = ['--import', 'tsx']
    if (options.cpuProfDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`)
    const child = fork(ENTRY, [JSON.stringify(spec)], {
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    try {
      const [reply] = (await Promise.race([
        once(child, 'message'),
        once(child, 'exit').then(() => {
          throw new FerryError('INTERNAL', `bench ${spec.mode} server exited during start`)
        }),
        timeout(START_TIMEOUT_MS, `bench ${spec.mode} server did not start`),
      ])) as [ChildReply]
      if (reply.type !== 'listening') throw new FerryError('INTERNAL', `unexpected reply ${reply.type}`)
      return new ServerProcess(child, reply.port)
    } catch (e: unknown) {
      child.kill('SIGKILL')
      throw e
    }
  }

  async stats(): Promise<ServerStats> {
    const reply = await this.ask({ type: 'stats' })
    if (reply.type !== 'stats') throw new FerryError('INTERNAL', `unexpected reply ${reply.type}`)
    return {
      rss: reply.rss,
      peakRss: reply.peakRss,
      heapUsed: reply.heapUsed,
      cpuMs: reply.cpuMs,
      clients: reply.clients,
    }
  }

  async resetPeak(): Promise<void> {
    await this.ask({ type: 'reset-peak' })
  }

  /** Stops the server and waits for the process to exit (and write its profile), killing it if it hangs. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    const exited = once(this.child, 'exit')
    this.child.send({ type: 'stop' } satisfies ChildRequest)
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS)
    await exited
    clearTimeout(timer)
  }

  private async ask(request: ChildRequest): Promise<ChildReply> {
    const reply = once(this.child, 'message') as Promise<[ChildReply]>
    this.child.send(request)
    const [message] = await Promise.race([
      reply,
      timeout(10_000, `bench server did not answer ${request.type}`),
    ])
    return message
  }
}

function timeout(ms: number, message: string): Promise<never> {
  return new Promise((_, reject) => {
    setTimeout(() => reject(new FerryError('TIMEOUT', message)), ms).unref()
  })
}
