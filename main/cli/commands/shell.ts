// `ferry client HOST PORT`: an interactive shell on one server (the seed's client_get / client_post plus the
// usual file commands). Reads stdin line by line, so it works the same typed at a terminal or piped from a
// script; after the server closes an idle connection it says so and reconnects on the next command.
import { createInterface } from 'node:readline'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { FerryError } from '../../protocol/error-codes'
import { parseHost, parsePort, formatHostPort } from '../address'
import type { HostPort } from '../address'
import { EXIT_FAILED, EXIT_OK, reportError } from '../errors'
import { formatTimeout } from '../format'
import type { CliIo } from '../io'
import { println } from '../io'
import type { Connect, RemoteClient } from '../remote-client'
import { displayRemote, resolveRemotePath } from '../remote-path'
import { splitWords } from '../shell-words'
import { runShellCommand } from './shell-commands'

export class ShellSession {
  client: RemoteClient | null = null
  remoteCwd = ''
  localCwd: string
  /** Aborts the running command (Ctrl+C at the terminal). */
  running: AbortController | null = null
  private quitting = false

  constructor(
    readonly io: CliIo,
    private readonly connectFn: Connect,
    readonly address: HostPort,
  ) {
    this.localCwd = io.cwd
  }

  get prompt(): string {
    return `ferry ${this.client?.hello.server ?? formatHostPort(this.address)}:${displayRemote(this.remoteCwd)}> `
  }

  async connect(again = false): Promise<RemoteClient> {
    const client = await this.connectFn(this.address)
    this.client = client
    client.on('close', (reason) => {
      if (this.quitting || this.client !== client) return
      this.client = null
      const why = reason ? `${reason.code}: ${reason.message}` : 'connection closed'
      println(this.io.stdout, `server closed the connection (${why}); reconnecting on the next command`)
    })
    const { hello } = client
    const verb = again ? 'reconnected to' : 'connected to'
    println(
      this.io.stdout,
      `${verb} "${hello.server}" at ${formatHostPort(this.address)}${hello.readOnly ? ' (read-only)' : ''}, idle timeout ${formatTimeout(client.idleTimeoutMs)}`,
    )
    return client
  }

  /** The live client, reconnecting when the server closed the previous one. */
  async remote(): Promise<RemoteClient> {
    if (this.client && !this.client.closed) return this.client
    return this.connect(true)
  }

  async changeRemoteDir(input: string): Promise<void> {
    const target = resolveRemotePath(this.remoteCwd, input)
    if (target !== '') {
      const entry = await (await this.remote()).stat(target)
      if (entry.type !== 'dir')
        throw new FerryError('NOT_A_DIRECTORY', `${displayRemote(target)} is not a folder`)
    }
    this.remoteCwd = target
  }

  async changeLocalDir(input: string): Promise<void> {
    const target = path.resolve(this.localCwd, input)
    let isDir: boolean
    try {
      isDir = (await stat(target)).isDirectory()
    } catch {
      throw new FerryError('NOT_FOUND', `${target}: no such local folder`)
    }
    if (!isDir) throw new FerryError('NOT_A_DIRECTORY', `${target} is not a folder`)
    this.localCwd = target
  }

  async close(): Promise<void> {
    this.quitting = true
    const client = this.client
    this.client = null
    if (client && !client.closed) await client.close()
  }
}

export async function shellCommand(
  io: CliIo,
  connect: Connect,
  hostText: string,
  portText: string,
): Promise<number> {
  const session = new ShellSession(io, connect, { host: parseHost(hostText), port: parsePort(portText) })
  const tty = io.stdin.isTTY === true
  await session.connect()
  if (tty) println(io.stdout, 'type "help" for the commands, "quit" to leave')

  const rl = createInterface({
    input: io.stdin,
    ...(tty ? { output: io.stdout as NodeJS.WritableStream, terminal: true } : { terminal: false }),
  })
  const stop = (): void => {
    if (session.running) session.running.abort()
    else rl.close()
  }
  rl.on('SIGINT', stop)
  io.signal?.addEventListener('abort', stop)
  let failures = 0
  try {
    if (tty) {
      rl.setPrompt(session.prompt)
      rl.prompt()
    }
    for await (const line of rl) {
      let words: string[] = []
      try {
        words = splitWords(line)
        if (words.length > 0) {
          session.running = new AbortController()
          if ((await runShellCommand(session, words, session.running.signal)) === 'quit') break
        }
      } catch (err: unknown) {
        failures += 1
        reportError(io.stderr, err)
      } finally {
        session.running = null
      }
      if (tty) {
        rl.setPrompt(session.prompt)
        rl.prompt()
      }
    }
  } finally {
    io.signal?.removeEventListener('abort', stop)
    rl.close()
    await session.close()
  }
  // Scripts need to know that a command failed; at the terminal the user already saw it.
  return failures > 0 && !tty ? EXIT_FAILED : EXIT_OK
}
