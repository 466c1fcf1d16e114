// `ferry client HOST PORT` (or `ferry client LINK`): an interactive shell on one server (the seed's client_get / client_post plus the
// usual file commands). Reads stdin line by line, so it works the same typed at a terminal or piped from a
// script; after the server closes an idle connection it says so and reconnects on the next command.
import { createInterface } from 'node:readline'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { FerryError } from '../../protocol/error-codes'
import { connectParamsOf, parseAddress, parseHost, parsePort, formatHostPort } from '../address'
import type { RemoteAddress } from '../address'
import { EXIT_FAILED, EXIT_OK, reportError, UsageError } from '../errors'
import { isPairingLink } from '../../security/pairing-link'
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
  /** The connection ended since the last command. */
  private dropped = false

  constructor(
    readonly io: CliIo,
    private readonly connectFn: Connect,
    readonly address: RemoteAddress,
  ) {
    this.localCwd = io.cwd
  }

  get prompt(): string {
    return `ferry ${this.client?.hello.server ?? formatHostPort(this.address)}:${displayRemote(this.remoteCwd)}> `
  }

  async connect(again = false): Promise<RemoteClient> {
    const client = await this.connectFn(connectParamsOf(this.address))
    this.client = client
    this.dropped = false
    client.on('close', (reason) => this.onClose(client, reason))
    this.announce(client, again ? 'reconnected to' : 'connected to')
    return client
  }

  /**
   * The live client. FerryClient reopens a closed connection by itself; after an idle close the shell does it
   * explicitly (a PING) so it can show the idle timeout the server assigned this time.
   */
  async remote(): Promise<RemoteClient> {
    const client = this.client
    if (!client || client.closed) return this.connect(true)
    if (this.dropped && !client.connected) {
      await client.ping()
      this.announce(client, 'reconnected to')
    }
    this.dropped = false
    return client
  }

  private announce(client: RemoteClient, verb: string): void {
    const { hello } = client
    println(
      this.io.stdout,
      `${verb} "${hello.server}" at ${formatHostPort(this.address)}${hello.readOnly ? ' (read-only)' : ''}, idle timeout ${formatTimeout(client.idleTimeoutMs)}`,
    )
  }

  private onClose(client: RemoteClient, reason: FerryError | null): void {
    if (this.quitting || this.client !== client) return
    this.dropped = true
    // During a command FerryClient reconnects and resumes on its own; the command's outcome says what happened.
    if (this.running) return
    // No reason: the client closed it a moment before the server's idle timeout would have.
    const why = reason
      ? `server closed the connection (${reason.code}: ${reason.message})`
      : `idle connection closed (idle timeout ${formatTimeout(client.idleTimeoutMs)})`
    println(this.io.stdout, `${why}; reconnecting on the next command`)
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
  portText: string | undefined,
): Promise<number> {
  const session = new ShellSession(io, connect, shellAddress(hostText, portText))
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

/** HOST PORT, or a pairing link alone (it names its port). */
function shellAddress(hostText: string, portText: string | undefined): RemoteAddress {
  if (isPairingLink(hostText)) {
    if (portText !== undefined) throw new UsageError('a ferry:// link names its port: give no PORT after it')
    return parseAddress(hostText)
  }
  // HOST:PORT as every other command takes it; HOST PORT as the original exercise had it.
  if (portText === undefined) {
    // One colon: HOST:PORT. More need brackets ([::1]:7420); a bare IPv6 address still wants its PORT.
    if (hostText.split(':').length === 2 || hostText.startsWith('[')) return parseAddress(hostText)
    throw new UsageError('missing port: ferry client HOST:PORT, ferry client HOST PORT, or ferry client LINK')
  }
  return { host: parseHost(hostText), port: parsePort(portText) }
}
