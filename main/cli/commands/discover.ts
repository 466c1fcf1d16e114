// `ferry discover [--timeout SECONDS] [--json]`: browses the LAN for Ferry hosts (DNS-SD over mDNS) for a few
// seconds and lists what answered. A fingerprint listed is what the host announced: a hint to compare, never
// trusted by itself (connect with --fingerprint and TLS checks it).
import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import type { DiscoveredHost, MdnsTransport } from '../../discovery'
import { formatHostPort } from '../address'
import { EXIT_OK } from '../errors'
import type { CliIo } from '../io'
import { println } from '../io'

export interface DiscoverOptions {
  /** Seconds to listen. */
  timeout: number
  json?: boolean
}

const MAX_TIMEOUT_S = 600

function timeoutSeconds(text: string): number {
  const value = Number(text)
  if (!/^\d+(\.\d+)?$/.test(text) || !(value > 0) || value > MAX_TIMEOUT_S)
    throw new InvalidArgumentError(`expected seconds, more than 0 and at most ${MAX_TIMEOUT_S}`)
  return value
}

export function registerDiscover(program: Command, io: CliIo, result: { exitCode: number }): void {
  program
    .command('discover')
    .description('list the Ferry hosts that announce themselves on the LAN (DNS-SD over mDNS)')
    .option('--timeout <seconds>', 'how long to listen for answers', timeoutSeconds, 3)
    .option('--json', 'JSON array of hosts')
    .action(async (options: DiscoverOptions) => {
      result.exitCode = await discoverCommand(io, options)
    })
}

export async function discoverCommand(
  io: CliIo,
  options: DiscoverOptions,
  transport?: MdnsTransport,
): Promise<number> {
  const { Discoverer } = await import('../../discovery')
  const discoverer = new Discoverer(transport ? { transport } : {})
  await discoverer.start()
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.timeout * 1000)
      io.signal?.addEventListener('abort', () => {
        clearTimeout(timer)
        resolve()
      })
    })
    const hosts = discoverer
      .list()
      .sort((a, b) => a.name.localeCompare(b.name) || a.host.localeCompare(b.host))
    if (options.json) println(io.stdout, JSON.stringify(hosts.map(toJson), null, 2))
    else printTable(io, hosts)
    return EXIT_OK
  } finally {
    await discoverer.stop()
  }
}

function toJson(h: DiscoveredHost) {
  return {
    name: h.name,
    instance: h.instance,
    host: h.host,
    port: h.port,
    protocol: h.protocol,
    tls: h.tls,
    fingerprint: h.fingerprint,
    tokenRequired: h.tokenRequired,
  }
}

function printTable(io: CliIo, hosts: DiscoveredHost[]): void {
  if (hosts.length === 0) {
    println(io.stderr, 'no Ferry hosts answered (hosts announce when they listen on the network)')
    return
  }
  for (const h of hosts) {
    const flags = [h.tls ? 'TLS' : 'no TLS', h.tokenRequired ? 'token required' : 'no token']
    println(io.stdout, `${formatHostPort({ host: h.host, port: h.port })}  ${h.name}  (${flags.join(', ')})`)
    if (h.fingerprint)
      println(
        io.stdout,
        `  announced fingerprint (a hint; check it): ${h.fingerprint.replace(/:/g, '').toLowerCase()}`,
      )
  }
}
