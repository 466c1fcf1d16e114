// Debian's haproxy in front of test servers: finds the binary, writes a TCP-mode config (leastconn, a health check
// that waits for Ferry's HELLO, redispatch on a refused connect) to a temp folder, runs `haproxy -f CFG -db` as a
// child on a free 127.0.0.1 port, and reads server states from its stats socket. docs/DEPLOY.md shows the same
// config for production, with production timings.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, promises as fsp } from 'node:fs'
import net from 'node:net'
import path from 'node:path'

/** Where Debian puts it; /usr/sbin is not on every user's PATH. */
const CANDIDATES = ['/usr/sbin/haproxy', '/usr/bin/haproxy', '/usr/local/sbin/haproxy']

export function findHaproxy(): string | null {
  const fromPath = (process.env['PATH'] ?? '').split(path.delimiter).map((dir) => path.join(dir, 'haproxy'))
  return [...fromPath, ...CANDIDATES].find((file) => file !== 'haproxy' && existsSync(file)) ?? null
}

/** CI (and FERRY_HAPROXY=require) must run these tests: a missing haproxy fails them instead of skipping. */
export const HAPROXY_REQUIRED =
  process.env['CI'] === 'true' ||
  process.env['FERRY_HAPROXY'] === 'require' ||
  process.env['FERRY_S3'] === 'require'

/** Why the haproxy tests skip, or null when they run (haproxy present, or required so that they fail loudly). */
export const HAPROXY_SKIP_REASON =
  findHaproxy() !== null || HAPROXY_REQUIRED
    ? null
    : 'haproxy is not installed: `node scripts/ensure-haproxy.mjs` installs it (as root), or apt-get install haproxy'

export interface Backend {
  name: string
  port: number
}

export interface HaproxyConfigOptions {
  frontendPort: number
  backends: Backend[]
  statsSocket: string
  /** Health check interval (ms); one failed check marks a server down, one good one up again. */
  checkIntervalMs?: number
}

/**
 * TCP mode: HAProxy passes bytes through (TLS included) and never parses frames. The check connects and expects
 * the start of Ferry's HELLO, so a port that accepts but does not serve Ferry counts as down. `option redispatch 1`
 * sends a connect that was refused (a server that just died) to another server at once, before the checks
 * have noticed. Timeouts exceed Ferry's longest idle timeout (300 s): the server, not the proxy, ends idle clients.
 */
export function haproxyConfig(options: HaproxyConfigOptions): string {
  const inter = options.checkIntervalMs ?? 200
  return [
    'global',
    `  stats socket ${options.statsSocket} mode 600 level admin`,
    '  maxconn 4096',
    'defaults',
    '  mode tcp',
    '  timeout connect 2s',
    '  timeout client 10m',
    '  timeout server 10m',
    '  retries 3',
    '  option redispatch 1',
    'frontend ferry',
    `  bind 127.0.0.1:${options.frontendPort}`,
    '  default_backend ferry_servers',
    'backend ferry_servers',
    '  balance leastconn',
    '  option tcp-check',
    '  tcp-check connect',
    `  tcp-check expect string '"type":"hello"'`,
    `  default-server inter ${inter} fall 1 rise 1`,
    ...options.backends.map((b) => `  server ${b.name} 127.0.0.1:${b.port} check`),
    '',
  ].join('\n')
}

/** A port nobody listens on right now (haproxy cannot report a port it chose itself). */
export async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as net.AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export type ServerState = 'UP' | 'DOWN' | string

export interface Haproxy {
  port: number
  /** Each backend server's status as HAProxy sees it ('UP', 'DOWN', 'MAINT', 'no check' ...). */
  states(): Promise<Record<string, ServerState>>
  /** Resolves once every named server has the given state (re-read every 50 ms, at most timeoutMs). */
  waitFor(want: Record<string, ServerState>, timeoutMs?: number): Promise<void>
  stop(): Promise<void>
}

const START_ATTEMPTS = 3

/** Starts haproxy in front of `backends` and waits until each is UP. `dir` holds the config and stats socket. */
export async function startHaproxy(dir: string, backends: Backend[]): Promise<Haproxy> {
  const bin = findHaproxy()
  if (bin === null) throw new Error(HAPROXY_SKIP_REASON ?? 'haproxy is not installed (required here)')
  let lastError: unknown = null
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    try {
      return await startOnce(bin, dir, backends, attempt)
    } catch (err: unknown) {
      lastError = err // usually the free port was taken between freePort() and haproxy's bind
    }
  }
  throw lastError
}

async function startOnce(bin: string, dir: string, backends: Backend[], attempt: number): Promise<Haproxy> {
  const port = await freePort()
  const statsSocket = path.join(dir, `haproxy-${attempt}.sock`)
  const config = path.join(dir, `haproxy-${attempt}.cfg`)
  await fsp.writeFile(config, haproxyConfig({ frontendPort: port, backends, statsSocket }))
  const child = spawn(bin, ['-f', config, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<never>((_, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      reject(new Error(`haproxy exited (${signal ?? code}) while starting: ${stderr.trim().slice(-2000)}`))
    })
  })
  exited.catch(() => undefined) // observed below; a later exit (after stop) must not surface as unhandled
  const haproxy: Haproxy = {
    port,
    states: () => readStates(statsSocket),
    waitFor: (want, timeoutMs = 10_000) => waitForStates(haproxy, want, timeoutMs),
    stop: () => stopChild(child),
  }
  try {
    const up = Object.fromEntries(backends.map((b) => [b.name, 'UP']))
    await Promise.race([exited, haproxy.waitFor(up)])
    return haproxy
  } catch (err: unknown) {
    await stopChild(child)
    throw err
  }
}

async function waitForStates(
  haproxy: Haproxy,
  want: Record<string, ServerState>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let seen: Record<string, ServerState> = {}
  for (;;) {
    seen = await haproxy.states().catch(() => ({})) // the socket appears only once haproxy has started
    if (Object.entries(want).every(([name, state]) => seen[name] === state)) return
    if (Date.now() > deadline) {
      throw new Error(`haproxy: wanted ${JSON.stringify(want)}, last saw ${JSON.stringify(seen)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** `show stat` on the stats socket: a CSV whose header line starts with '# '. */
async function readStates(socketPath: string): Promise<Record<string, ServerState>> {
  const text = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(socketPath)
    let out = ''
    socket.on('error', reject)
    socket.on('data', (chunk: Buffer) => (out += chunk.toString()))
    socket.on('end', () => resolve(out))
    socket.write('show stat\n')
  })
  const [header, ...rows] = text.trim().split('\n')
  const columns = (header ?? '').replace(/^# /, '').split(',')
  const proxy = columns.indexOf('pxname')
  const server = columns.indexOf('svname')
  const status = columns.indexOf('status')
  const states: Record<string, ServerState> = {}
  for (const row of rows) {
    const cells = row.split(',')
    if (cells[proxy] !== 'ferry_servers' || cells[server] === 'BACKEND') continue
    states[cells[server] ?? ''] = cells[status] ?? ''
  }
  return states
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await gone
}
