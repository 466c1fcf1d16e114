// `ferry serve --announce / --no-announce`: announces the running server on the LAN as _ferry._tcp.local
// (main/discovery). On by default when the server listens beyond loopback; a failure to announce is a warning,
// never a reason to stop serving.
import { hostname } from 'node:os'
import type { Command } from 'commander'
import type { MdnsTransport } from '../../discovery'
import type { CliIo } from '../io'
import { println } from '../io'

export interface AnnounceFlags {
  /** true: --announce, false: --no-announce, undefined: the default for the host. */
  announce?: boolean
}

export interface ServeAnnouncement {
  stop(): Promise<void>
}

const LOOPBACK = /^(127\.|::1$|localhost$)/i

/** Adds both flags to the serve command (commander leaves `announce` undefined when neither is given). */
export function addAnnounceOptions(program: Command): void {
  const serve = program.commands.find((c) => c.name() === 'serve')
  if (!serve) throw new Error('the serve command must be defined before its announce options')
  serve
    .option(
      '--announce',
      'announce the server on the LAN (DNS-SD over mDNS); default when --host is not loopback',
    )
    .option('--no-announce', 'do not announce the server on the LAN')
}

/** Starts announcing when asked for (or by default), printing what it did; null when not announcing. */
export async function startServeAnnouncement(
  io: CliIo,
  server: {
    announce: boolean | undefined
    host: string
    port: number
    name: string | undefined
    tls: boolean
    fingerprint: string | null
    tokenRequired: boolean
  },
  transport?: MdnsTransport,
): Promise<ServeAnnouncement | null> {
  const loopback = LOOPBACK.test(server.host)
  if (server.announce === false || (server.announce === undefined && loopback)) return null
  if (loopback) {
    println(
      io.stderr,
      'warning: not announcing: the server listens on loopback only, nobody else could connect',
    )
    return null
  }
  const { Announcer } = await import('../../discovery')
  const announcer = new Announcer({
    name: server.name ?? hostname(),
    port: server.port,
    tls: server.tls,
    fingerprint: server.fingerprint,
    tokenRequired: server.tokenRequired,
    ...(transport ? { transport } : {}),
  })
  try {
    await announcer.start()
  } catch (err: unknown) {
    println(
      io.stderr,
      `warning: could not announce on the LAN: ${err instanceof Error ? err.message : String(err)}`,
    )
    return null
  }
  println(
    io.stdout,
    `announced on the LAN as "${announcer.instance}" (_ferry._tcp.local; --no-announce to stop)`,
  )
  return announcer
}
