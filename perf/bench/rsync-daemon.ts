// rsync's own daemon on 127.0.0.1 as the many-files baseline: the bench writes a config for one writable module,
// runs `rsync --daemon --no-detach` on a free port for the whole section and stops it after. rsync's daemon is
// the fair comparison: like a Ferry server it is a long-running process with its own protocol, so neither side
// pays for ssh.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { writeFile } from 'node:fs/promises'
import { connect, createServer } from 'node:net'
import { join } from 'node:path'
import { FerryError } from '../../main/protocol/error-codes'

export interface RsyncModule {
  name: string
  path: string
  uid: number
  gid: number
  logFile: string
}

/**
 * rsyncd.conf for one module. `use chroot = no` and the current user's uid/gid let it run without root and
 * write files as that user; `reverse lookup = no` keeps a DNS lookup out of every connection's time.
 */
export function rsyncdConfig(module: RsyncModule): string {
  return [
    `log file = ${module.logFile}`,
    'reverse lookup = no',
    '',
    `[${module.name}]`,
    `    path = ${module.path}`,
    '    read only = no',
    '    use chroot = no',
    `    uid = ${module.uid}`,
    `    gid = ${module.gid}`,
    '    numeric ids = yes',
    '',
  ].join('\n')
}

const READY_TIMEOUT_MS = 10_000
const STOP_TIMEOUT_MS = 5_000

export class RsyncDaemon {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly module: string,
  ) {}

  /** Starts the daemon for `module.path` on a free port of 127.0.0.1; resolves once it accepts connections. */
  static async start(rsync: string, dir: string, module: Omit<RsyncModule, 'logFile'>): Promise<RsyncDaemon> {
    const config = join(dir, 'rsyncd.conf')
    await writeFile(config, rsyncdConfig({ ...module, logFile: join(dir, 'rsyncd.log') }))
    // The port is found free and then handed to rsync, so another process may take it in between: try again.
    let lastError: unknown = null
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const port = await freePort()
      const child = spawn(
        rsync,
        ['--daemon', '--no-detach', `--config=${config}`, `--port=${port}`, '--address=127.0.0.1'],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      )
      let stderr = ''
      child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-2048)))
      try {
        await waitForListening(child, port)
        return new RsyncDaemon(child, port, module.name)
      } catch (e: unknown) {
        child.kill('SIGKILL')
        lastError = stderr.trim() ? new Error(`rsync --daemon: ${stderr.trim()}`) : e
      }
    }
    throw lastError instanceof Error ? lastError : new Error(String(lastError))
  }

  /** rsync://127.0.0.1:PORT/module/path */
  url(path: string): string {
    return `rsync://127.0.0.1:${this.port}/${this.module}/${path}`
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    const exited = once(this.child, 'exit')
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS)
    await exited
    clearTimeout(timer)
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Polls with a plain TCP connect: the daemon forks a child for it, which sees EOF and goes away. */
async function waitForListening(child: ChildProcess, port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new FerryError('INTERNAL', `rsync --daemon exited (code ${child.exitCode ?? child.signalCode})`)
    if (await canConnect(port)) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new FerryError('TIMEOUT', `rsync --daemon did not listen on port ${port}`)
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}
