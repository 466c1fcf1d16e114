// `ferry serve`: runs a FerryServer until SIGINT/SIGTERM, printing the addresses to hand out and one line per
// client connect/leave and per finished or failed transfer.
import { networkInterfaces } from 'node:os'
import process from 'node:process'
import type { IdlePolicy } from '../../protocol/idle-policy'
import { DEFAULT_IDLE_POLICY } from '../../protocol/idle-policy'
import { FerryError } from '../../protocol/error-codes'
import { formatHostPort, parseHost, parsePort } from '../address'
import { EXIT_OK, UsageError } from '../errors'
import { formatBytes, formatTimeout } from '../format'
import type { CliIo } from '../io'
import { println, waitForStop } from '../io'
import { displayFingerprint } from '../../security/fingerprint'
import { startServeAnnouncement } from './announce'
import type { ShareStore } from '../../store/share-store'
import { openS3Share } from '../s3-share'
import { parseStoreOption, type ShareChoice } from '../store-option'
import { checkWebFlags, startServeWeb, type WebFlags } from '../serve-web'

export interface ServeOptions extends WebFlags {
  root: string
  /** --root was given on purpose (not its default): it may not be combined with --store. */
  rootGiven?: boolean
  /** A folder, file:PATH or s3://BUCKET[/PREFIX] (store-option.ts). */
  store?: string
  s3Endpoint?: string
  s3Region?: string
  host: string
  name?: string
  readOnly?: boolean
  maxConnections?: number
  idleMax?: number
  idleMin?: number
  idleHalfAt?: number
  maxPerAddress?: number
  quota?: number
  /** Clients must AUTH with this token. */
  token?: string
  /** TLS identity (security/tls-identity.ts); the fingerprint is printed for clients to compare. */
  tls?: { key: string; cert: string; fingerprint: string; file: string; created: boolean }
  /** --announce / --no-announce (commands/announce.ts); undefined: announce unless on loopback. */
  announce?: boolean
}

const GRACE_MS = 5000
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])
const ANY = new Set(['0.0.0.0', '::'])

function idlePolicy(options: ServeOptions): Partial<IdlePolicy> {
  const policy: Partial<IdlePolicy> = {}
  if (options.idleMax !== undefined) policy.maxMs = Math.round(options.idleMax * 1000)
  if (options.idleMin !== undefined) policy.minMs = Math.round(options.idleMin * 1000)
  if (options.idleHalfAt !== undefined) policy.halfAt = options.idleHalfAt
  const max = policy.maxMs ?? DEFAULT_IDLE_POLICY.maxMs
  const min = policy.minMs ?? Math.min(DEFAULT_IDLE_POLICY.minMs, max)
  if (min > max)
    throw new UsageError(`--idle-min (${min / 1000} s) is longer than --idle-max (${max / 1000} s)`)
  if (policy.maxMs !== undefined && policy.minMs === undefined) policy.minMs = min
  return policy
}

/** Addresses others can use: every interface address when listening on all of them. */
function reachableHosts(host: string): string[] {
  if (!ANY.has(host)) return [host]
  const hosts = ['127.0.0.1']
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal) continue
      if (a.family === 'IPv4' || (host === '::' && a.family === 'IPv6' && !a.address.startsWith('fe80')))
        hosts.push(a.address)
    }
  }
  return hosts
}

/** The listen failures a user can fix, said plainly. */
function listenError(err: unknown, where: string): unknown {
  // The server may wrap the errno in a FerryError; the cause still carries it.
  const errno = (e: unknown): unknown =>
    typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined
  const code = err instanceof Error && err.cause !== undefined ? errno(err.cause) : errno(err)
  if (code === 'EADDRINUSE')
    return new FerryError('BUSY', `${where} is already in use: stop the other server or pick another port`)
  if (code === 'EADDRNOTAVAIL')
    return new FerryError('INVALID_ARGUMENT', `${where}: no such address on this machine`)
  if (code === 'EACCES')
    return new FerryError(
      'PERMISSION_DENIED',
      `${where}: not allowed to listen here (ports below 1024 need privileges)`,
    )
  return err
}

function clock(): string {
  return new Date().toTimeString().slice(0, 8)
}

/** What the server shares: a checked S3 bucket, or a folder (which the server opens itself). */
async function openShare(share: ShareChoice): Promise<{ store: ShareStore } | { root: string }> {
  return share.kind === 's3' ? { store: await openS3Share(share.options) } : { root: share.root }
}

export async function serveCommand(
  io: CliIo,
  portText: string,
  options: ServeOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const port = parsePort(portText, { allowZero: true })
  const host = parseHost(options.host)
  checkWebFlags(options, host)
  const share = parseStoreOption(
    {
      root: options.root,
      rootGiven: options.rootGiven === true,
      ...(options.store !== undefined ? { store: options.store } : {}),
      ...(options.s3Endpoint !== undefined ? { s3Endpoint: options.s3Endpoint } : {}),
      ...(options.s3Region !== undefined ? { s3Region: options.s3Region } : {}),
    },
    io.cwd,
    env,
  )
  const policy = idlePolicy(options)
  const target = await openShare(share)
  const { FerryServer } = await import('../../server')
  const server = await FerryServer.start({
    ...target,
    port,
    host,
    idlePolicy: policy,
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.readOnly ? { readOnly: true } : {}),
    ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
    ...(options.maxPerAddress !== undefined ? { maxConnectionsPerAddress: options.maxPerAddress } : {}),
    ...(options.quota !== undefined ? { quotaBytes: options.quota } : {}),
    ...(options.token !== undefined ? { token: options.token } : {}),
    ...(options.tls ? { tls: { key: options.tls.key, cert: options.tls.cert } } : {}),
  }).catch(async (err: unknown) => {
    // The server owns the store only once it runs.
    if ('store' in target) await target.store.close()
    throw listenError(err, formatHostPort({ host, port }))
  })
  const stop = waitForStop(io, () => {
    println(io.stderr, 'still closing: waiting for running transfers (up to 5 s)')
  })
  try {
    const bound = server.address()
    const shared = share.kind === 's3' ? `${share.location} at ${share.options.endpoint}` : server.root
    println(io.stdout, `ferry: sharing ${shared}${options.readOnly ? ' (read-only)' : ''}`)
    println(io.stdout, `listening on ${formatHostPort(bound)}`)
    if (!LOOPBACK.has(host))
      println(io.stderr, `warning: listening on ${host}: the share is now reachable from the network`)
    if (!LOOPBACK.has(host) && !options.tls)
      println(io.stderr, 'warning: without --tls, files and the token cross the network unencrypted')
    if (options.token !== undefined) println(io.stdout, 'clients must give the access token (--token)')
    if (options.tls) {
      println(
        io.stdout,
        `TLS on${options.tls.created ? ' (new identity created)' : ''}; certificate SHA-256:`,
      )
      for (const line of displayFingerprint(options.tls.fingerprint).split('\n'))
        println(io.stdout, `  ${line}`)
      println(
        io.stdout,
        `clients connect with --tls (or --fingerprint ${options.tls.fingerprint.replace(/:/g, '')})`,
      )
    }
    println(io.stdout, 'connect with:')
    for (const h of reachableHosts(bound.host)) {
      println(
        io.stdout,
        `  ferry client ${h} ${bound.port}    or    ferry ls ${formatHostPort({ host: h, port: bound.port })}`,
      )
    }
    const announcement = await startServeAnnouncement(io, {
      announce: options.announce,
      host,
      port: bound.port,
      name: options.name,
      tls: options.tls !== undefined,
      fingerprint: options.tls?.fingerprint ?? null,
      tokenRequired: options.token !== undefined,
    })
    const web = await startServeWeb(io, options, {
      store: server.store,
      host,
      ...(options.name !== undefined ? { name: options.name } : {}),
      ...(options.token !== undefined ? { token: options.token } : {}),
      ...(options.readOnly ? { readOnly: true } : {}),
      ...(options.quota !== undefined ? { quota: options.quota } : {}),
      ...(options.tls ? { tls: { key: options.tls.key, cert: options.tls.cert } } : {}),
    }).catch(async (err: unknown) => {
      await announcement?.stop()
      await server.close({ graceMs: 0 })
      throw err
    })
    println(io.stdout, 'press Ctrl+C to stop')

    const addresses = new Map<string, string>()
    server.on('client-connected', (c) => {
      addresses.set(c.id, c.address)
      println(
        io.stdout,
        `${clock()} + ${c.address} connected (${c.id}), idle timeout ${formatTimeout(c.idleTimeoutMs)}`,
      )
    })
    server.on('client-left', (c) => {
      println(io.stdout, `${clock()} - ${addresses.get(c.id) ?? c.id} left (${c.id}): ${c.reason}`)
      addresses.delete(c.id)
    })
    server.on('transfer', (t) => {
      if (t.state !== 'done' && t.state !== 'failed') return
      const who = addresses.get(t.clientId) ?? t.clientId
      if (t.state === 'done')
        println(io.stdout, `${clock()} ${t.direction} /${t.path} done, ${formatBytes(t.bytes)} (${who})`)
      else
        println(
          io.stdout,
          `${clock()} ${t.direction} /${t.path} failed at ${formatBytes(t.bytes)} of ${formatBytes(t.total)}: ${t.error?.code ?? 'INTERNAL'}: ${t.error?.message ?? ''} (${who})`,
        )
    })
    server.on('log', (l) => {
      if (l.level !== 'info') println(io.stderr, `${clock()} ${l.level}: ${l.message}`)
    })

    const why = await stop.stopped
    println(io.stdout, `${clock()} ${why}: closing (running transfers get ${GRACE_MS / 1000} s to finish)`)
    // The goodbye goes out first: browsers drop the host at once instead of after the TTL.
    await announcement?.stop()
    await web?.close()
    await server.close({ graceMs: GRACE_MS })
    println(io.stdout, `${clock()} closed`)
    return EXIT_OK
  } finally {
    stop.dispose()
  }
}
