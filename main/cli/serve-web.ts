// `ferry serve --web PORT [--web-host ADDR]`: a web page and HTTP API (main/web) beside the Ferry server, over the
// same store, with the same token, read-only flag, quota and TLS identity, for browsers without the app.
import type { Command } from 'commander'
import { FerryError } from '../protocol/error-codes'
import type { ShareStore } from '../store/share-store'
import type { WebServer } from '../web/web-server'
import { parseHost, parsePort } from './address'
import { UsageError } from './errors'
import type { CliIo } from './io'
import { println } from './io'

export interface WebFlags {
  /** --web PORT (0 = any free port). */
  web?: string
  /** --web-host ADDR; default: the serve host. */
  webHost?: string
}

/** Adds --web and --web-host to the serve command. */
export function addWebOptions(program: Command): void {
  const serve = program.commands.find((c) => c.name() === 'serve')
  if (!serve) throw new Error('the serve command must be defined before its web options')
  serve
    .option('--web <port>', 'also serve a web page and HTTP API for browsers without Ferry on this port')
    .option('--web-host <addr>', 'address the web server listens on (default: --host)')
}

/** The web server's address from the flags, or null without --web; UsageError (exit 2) on bad flags. */
export function checkWebFlags(flags: WebFlags, serveHost: string): { port: number; host: string } | null {
  if (flags.web === undefined) {
    if (flags.webHost !== undefined) throw new UsageError('--web-host needs --web PORT')
    return null
  }
  return { port: parsePort(flags.web, { allowZero: true }), host: parseHost(flags.webHost ?? serveHost) }
}

/** Starts the web server when --web was given and prints its address; null otherwise. */
export async function startServeWeb(
  io: CliIo,
  flags: WebFlags,
  share: {
    store: ShareStore
    host: string
    name?: string
    token?: string
    readOnly?: boolean
    quota?: number
    tls?: { key: string; cert: string }
  },
): Promise<WebServer | null> {
  const where = checkWebFlags(flags, share.host)
  if (where === null) return null
  const { port, host } = where
  const { startWebServer } = await import('../web/web-server')
  const web = await startWebServer({
    store: share.store,
    port,
    host,
    ...(share.name !== undefined ? { name: share.name } : {}),
    ...(share.token !== undefined ? { token: share.token } : {}),
    ...(share.readOnly ? { readOnly: true } : {}),
    ...(share.quota !== undefined ? { quota: share.quota } : {}),
    ...(share.tls ? { tls: share.tls } : {}),
    log: (level, message) => {
      if (level !== 'info')
        println(io.stderr, `${new Date().toTimeString().slice(0, 8)} ${level}: ${message}`)
    },
  }).catch((err: unknown) => {
    const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined
    if (code === 'EADDRINUSE')
      throw new FerryError('BUSY', `web port ${host}:${port} is already in use: pick another --web port`)
    throw err
  })
  println(
    io.stdout,
    `web page for browsers: ${web.url}${share.token !== undefined ? ' (log in with the access token)' : ''}`,
  )
  if (share.tls)
    println(
      io.stdout,
      '  browsers warn about the self-signed certificate: compare its SHA-256 with the one above',
    )
  return web
}
