// Browser mode: the Ferry UI served on 127.0.0.1 to a local browser, talking to the same FerryService as the
// desktop app over a token-protected WebSocket (wire format: bridge-protocol.ts). For machines where Electron's
// runtime cannot be had, and for the e2e tests.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { join, resolve } from 'node:path'
import { WebSocketServer } from 'ws'
import { FerryService, realBackends } from '../ipc'
import type { Backends } from '../ipc'
import type { DiscoveryServiceOptions } from '../ipc/discovery-service'
import { contentSecurityPolicy } from '../shell/csp'
import { BRIDGE_PATH, MAX_MESSAGE_BYTES, WINDOW_BYTES } from './bridge-protocol'
import { BridgeSession } from './bridge-session'
import { PageUploads } from './page-uploads'
import { isUploadRequest, serveUpload } from './upload-route'
import { defaultDataDir } from '../security/data-dir'
import { pruneStaging, STAGING_FOLDER } from './upload-staging'
import { securityHeaders, serveStatic } from './static-files'

export interface BrowserHostOptions {
  /** 0 or absent: a free port. */
  port?: number
  /** The built renderer (out/renderer). */
  staticDir: string
  /** Where this run keeps its files: state (TLS identity, pins, transfer journal, upload staging) and the default
   *  share and download folders. Absent: state in the CLI's data folder, folders in the home (~/Ferry,
   *  ~/Downloads). */
  dataDir?: string
  /** App version shown in AppInfo. */
  version?: string
  /** For tests that need fakes; the real server, client and perf engine by default. */
  backends?: Backends
  /** Where LAN discovery listens and sends (tests keep it on loopback); the mDNS defaults otherwise. */
  discovery?: DiscoveryServiceOptions
}

export interface BrowserHost {
  /** The address to open, token included: http://127.0.0.1:PORT/#token=... */
  url: string
  token: string
  port: number
  /** The back end behind the bridge (tests inspect it). */
  service: FerryService
  /**
   * Closes the pages' sockets and the HTTP server, stops hosting and transfers, removes staged uploads but those
   * of unfinished transfers, which the next start offers to resume.
   */
  close(): Promise<void>
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const staticDir = resolve(options.staticDir)
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined
  // Staged copies of unfinished uploads live with Ferry's other state (the transfer journal is there too), so a
  // restart can resume them; without a dataDir that is the CLI's data folder, as for the service below.
  const stagingDir = join(dataDir ?? defaultDataDir(), STAGING_FOLDER)
  await mkdir(stagingDir, { recursive: true, mode: 0o700 })
  const token = randomBytes(32).toString('base64url')
  const service = new FerryService({
    mode: 'browser',
    version: options.version ?? process.env['npm_package_version'] ?? '0.0.0',
    ...(dataDir
      ? {
          defaultDownloadDir: join(dataDir, 'downloads'),
          defaultShareDir: join(dataDir, 'share'),
          // TLS identity and pinned fingerprints; without a dataDir, the CLI's data folder.
          dataDir,
        }
      : {}),
    backends: options.backends ?? realBackends,
    ...(options.discovery ? { discovery: options.discovery } : {}),
  })
  // Copies no restored transfer refers to are leftovers of a crash: nobody can resume them.
  await service.transfers.ready.then(() => pruneStaging(stagingDir, service.transfers.stagedFiles()))

  // No deadline for a whole request: a dropped file of many gigabytes is one upload request (bridge-protocol.ts).
  const http = createServer({ requestTimeout: 0 })
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })
  await new Promise<void>((done, fail) => {
    http.once('error', fail)
    http.listen(options.port ?? 0, '127.0.0.1', () => {
      http.off('error', fail)
      done()
    })
  })
  const port = (http.address() as AddressInfo).port
  const origins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`])
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`])
  const headers = securityHeaders(contentSecurityPolicy({ connectSources: [`ws://127.0.0.1:${port}`] }))
  const uploads = new PageUploads(service, stagingDir, WINDOW_BYTES)

  http.on('request', (req, res) => {
    // A foreign Host header means DNS rebinding or a proxy: nothing here is for them.
    if (!hosts.has(req.headers.host ?? '')) {
      res.writeHead(421, headers).end()
      return
    }
    if (isUploadRequest(req)) serveUpload(uploads, req, res, { token, origins, headers })
    else void serveStatic(staticDir, req, res, headers)
  })
  http.on('clientError', (_err, socket) => socket.destroy())
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    const refusal = checkUpgrade(req, token, origins, hosts)
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => new BridgeSession(ws, service, uploads))
  })

  let closing: Promise<void> | null = null
  const close = () => {
    closing ??= (async () => {
      for (const ws of wss.clients) ws.close(1001, 'Ferry is shutting down')
      wss.close()
      const stopped = new Promise<void>((done) => http.close(() => done()))
      http.closeAllConnections()
      await stopped
      await service.dispose()
      await pruneStaging(stagingDir, service.transfers.stagedFiles())
    })()
    return closing
  }
  return { url: `http://127.0.0.1:${port}/#token=${token}`, token, port, service, close }
}

/** Returns an HTTP status line to refuse with, or null when the upgrade is the app's own page with the token. */
function checkUpgrade(
  req: IncomingMessage,
  token: string,
  origins: Set<string>,
  hosts: Set<string>,
): string | null {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  if (url.pathname !== BRIDGE_PATH) return '404 Not Found'
  if (!hosts.has(req.headers.host ?? '')) return '421 Misdirected Request'
  if (!origins.has(req.headers.origin ?? '')) return '403 Forbidden'
  const given = Buffer.from(url.searchParams.get('token') ?? '')
  const expected = Buffer.from(token)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return '401 Unauthorized'
  return null
}
