// The web server: a page and a JSON API over the same ShareStore as the Ferry server beside it, for browsers
// without the app (docs/WEB.md). Plain node:http / node:https; the same rules as the Ferry protocol: the share
// jail (every path through parseRelativePath), read-only, quota, the access token (web-auth.ts) and the TLS
// identity. This file routes; each concern lives in its own module.
import http from 'node:http'
import https from 'node:https'
import type net from 'node:net'
import { FerryError } from '../protocol/error-codes'
import { parseRelativePath } from '../protocol/paths'
import type { FailureLimiterOptions } from '../security/failure-limiter'
import { ShareQuota } from '../security/share-quota'
import type { ShareStore } from '../store/share-store'
import { serveFile } from './download'
import { baseHeaders, sendError, sendJson } from './http-reply'
import { field, readSmallBody } from './json-body'
import { MAX_URL_BYTES, splitTarget, wirePathFrom, wirePathValue } from './request-path'
import { loadPage, PAGE_CSP, type PageFile } from './static-page'
import { hostAllowed, ownNames } from './host-header'
import { checkCsrf, RateLimited, WebAuth } from './web-auth'
import { OffsetConflict, WebUploads } from './web-uploads'

/** Request line and headers together; larger gets 431 (Node answers it before any handler runs). */
export const MAX_HEADER_BYTES = 16 * 1024

export interface WebServerOptions {
  store: ShareStore
  port?: number
  host?: string
  token?: string
  readOnly?: boolean
  /** Most bytes the share may hold (or the Ferry server's own ShareQuota, so both count together). */
  quota?: number | ShareQuota
  tls?: { key: string; cert: string }
  /** Shown on the page. */
  name?: string
  /** Upload chunk size the page is told to use (tests make it small). */
  chunkBytes?: number
  uploadIdleMs?: number
  authFailures?: Partial<Omit<FailureLimiterOptions, 'now'>>
  maxConnections?: number
  log?: (level: 'info' | 'warn' | 'error', message: string) => void
  /** Another folder holding index.html, app.js, upload.js and app.css (tests). */
  pageDir?: string
  /**
   * Without a token, only requests whose Host is an IP address or one of these names are served (host-header.ts).
   * Default: localhost and this machine's host name (with and without .local).
   */
  hostNames?: readonly string[]
}

export interface WebServer {
  /** http(s)://host:port/ */
  readonly url: string
  address(): { host: string; port: number }
  close(): Promise<void>
}

type Handler = (ctx: Ctx, rest: string[]) => Promise<void>
interface Ctx {
  req: http.IncomingMessage
  res: http.ServerResponse
  query: URLSearchParams
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { store } = options
  const log = options.log ?? (() => undefined)
  const readOnly = options.readOnly === true
  const page = loadPage(options.pageDir)
  const hostNames = (options.hostNames ?? ownNames()).map((n) => n.toLowerCase())
  const auth = new WebAuth({
    ...(options.token !== undefined ? { token: options.token } : {}),
    secure: options.tls !== undefined,
    ...(options.authFailures ? { authFailures: options.authFailures } : {}),
  })
  const quota =
    options.quota === undefined
      ? undefined
      : options.quota instanceof ShareQuota
        ? options.quota
        : new ShareQuota(store, options.quota)
  const uploads = new WebUploads({
    store,
    ...(quota ? { quota } : {}),
    ...(options.chunkBytes !== undefined ? { chunkBytes: options.chunkBytes } : {}),
    ...(options.uploadIdleMs !== undefined ? { idleMs: options.uploadIdleMs } : {}),
    log,
  })

  const writable = (): void => {
    if (readOnly) throw new FerryError('READ_ONLY', 'the share is read-only')
  }

  const api: Record<string, Partial<Record<string, Handler>>> = {
    session: {
      GET: async ({ req, res }) =>
        sendJson(res, 200, {
          auth: auth.required ? 'token' : 'none',
          loggedIn: auth.isAllowed(req),
          readOnly,
          name: options.name ?? 'Ferry',
          chunkBytes: uploads.chunkBytes,
        }),
    },
    login: {
      POST: async ({ req, res }) => {
        const body = await readSmallBody(req)
        try {
          res.setHeader('Set-Cookie', auth.login(req.socket.remoteAddress, field(body, 'token')))
        } catch (err: unknown) {
          if (err instanceof RateLimited)
            res.setHeader('Retry-After', String(Math.ceil(err.retryAfterMs / 1000)))
          if (err instanceof FerryError && (err.code === 'AUTH_FAILED' || err.code === 'RATE_LIMITED'))
            log('warn', `web: wrong access token from ${req.socket.remoteAddress ?? '?'}`)
          throw err
        }
        sendJson(res, 200, { loggedIn: true })
      },
    },
    logout: {
      POST: async ({ req, res }) => {
        res.setHeader('Set-Cookie', auth.logout(req))
        sendJson(res, 200, { loggedIn: false })
      },
    },
    list: {
      GET: async ({ res }, rest) => {
        const path = wirePathFrom(rest)
        sendJson(res, 200, { path, entries: await store.list(path) })
      },
    },
    stat: {
      GET: async ({ res }, rest) => {
        const stat = await store.stat(wirePathFrom(rest))
        sendJson(res, 200, stat)
      },
    },
    file: {
      GET: async ({ req, res }, rest) => serveFile(store, wirePathFrom(rest), req, res),
      HEAD: async ({ req, res }, rest) => serveFile(store, wirePathFrom(rest), req, res),
      DELETE: async ({ res, query }, rest) => {
        writable()
        const path = wirePathFrom(rest)
        if (path === '') throw new FerryError('PATH_INVALID', 'the share root itself cannot be deleted')
        await store.delete(path, { recursive: query.get('recursive') === '1' })
        quota?.invalidate()
        sendJson(res, 200, { deleted: path })
      },
    },
    mkdir: {
      POST: async ({ res, query }, rest) => {
        writable()
        const path = wirePathFrom(rest)
        if (path === '') throw new FerryError('EXISTS', 'the share root exists')
        await store.mkdir(path, { parents: query.get('parents') === '1' })
        sendJson(res, 201, { created: path })
      },
    },
    rename: {
      POST: async ({ req, res }) => {
        writable()
        const body = await readSmallBody(req)
        const from = wirePathValue(field(body, 'from'), 'from')
        const to = wirePathValue(field(body, 'to'), 'to')
        if (parseRelativePath(from).length === 0 || parseRelativePath(to).length === 0)
          throw new FerryError('PATH_INVALID', 'the share root itself cannot be renamed')
        await store.rename(from, to, { mode: 'fail' })
        sendJson(res, 200, { from, to })
      },
    },
    uploads: {
      POST: async ({ req, res }, rest) => {
        writable()
        if (rest.length === 0) {
          const created = await uploads.create(WebUploads.parseCreate(await readSmallBody(req)))
          sendJson(res, 201, { ...created, chunkBytes: uploads.chunkBytes })
          return
        }
        if (rest.length !== 2 || rest[1] !== 'finish') throw notFound()
        const body = await readSmallBody(req)
        sendJson(res, 200, await uploads.finish(rest[0] ?? '', field(body, 'sha256')))
      },
      GET: async ({ res }, rest) => {
        if (rest.length !== 1) throw notFound()
        sendJson(res, 200, uploads.status(rest[0] ?? ''))
      },
      PATCH: async ({ req, res }, rest) => {
        writable()
        if (rest.length !== 1) throw notFound()
        const offset = wholeNumber(req.headers['upload-offset'], 'Upload-Offset')
        if (req.headers['content-length'] === undefined)
          throw new FerryError('INVALID_ARGUMENT', 'chunks need a Content-Length')
        const length = wholeNumber(req.headers['content-length'], 'Content-Length')
        const written = await uploads.append(rest[0] ?? '', offset, length, req)
        sendJson(res, 200, { offset: written })
      },
      DELETE: async ({ res }, rest) => {
        if (rest.length !== 1) throw notFound()
        await uploads.cancel(rest[0] ?? '')
        sendJson(res, 200, { cancelled: true })
      },
    },
  }

  const servePage = (res: http.ServerResponse, file: PageFile): void => {
    res.setHeader('Content-Security-Policy', PAGE_CSP)
    res.setHeader('Content-Type', file.type)
    res.setHeader('Content-Length', file.body.length)
    res.end(file.body)
  }

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    baseHeaders(res)
    const url = req.url ?? '/'
    if (url.length > MAX_URL_BYTES) {
      sendError(
        res,
        new FerryError('TOO_LARGE', `request targets are at most ${MAX_URL_BYTES} bytes`),
        {},
        414,
      )
      return
    }
    if (!auth.required && !hostAllowed(req.headers.host, hostNames)) {
      throw new FerryError(
        'PERMISSION_DENIED',
        'this open share answers only requests addressed to an IP address or the machine own name',
      )
    }
    const method = req.method ?? 'GET'
    const { segments, query } = splitTarget(url)
    if (segments[0] !== 'api') {
      const file = page.get(segments.join('/'))
      if (!file) throw notFound()
      if (method !== 'GET' && method !== 'HEAD') throw notAllowed('GET, HEAD')
      servePage(res, file)
      return
    }
    const route = api[segments[1] ?? '']
    if (!route) throw notFound()
    const handler = route[method]
    if (!handler) throw notAllowed(Object.keys(route).join(', '))
    if (method !== 'GET' && method !== 'HEAD') checkCsrf(req)
    const open = segments[1] === 'session' || segments[1] === 'login' || segments[1] === 'logout'
    if (!open && !auth.isAllowed(req))
      throw new FerryError('AUTH_REQUIRED', 'log in with the access token first')
    await handler({ req, res, query }, segments.slice(2))
  }

  const server = options.tls
    ? https.createServer({
        key: options.tls.key,
        cert: options.tls.cert,
        minVersion: 'TLSv1.2',
        ALPNProtocols: ['http/1.1'],
        maxHeaderSize: MAX_HEADER_BYTES,
      })
    : http.createServer({ maxHeaderSize: MAX_HEADER_BYTES })
  server.headersTimeout = 30_000
  server.requestTimeout = 5 * 60_000
  server.maxConnections = options.maxConnections ?? 1024
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof MethodNotAllowed && !res.headersSent) res.setHeader('Allow', err.allow)
      if (err instanceof OffsetConflict) sendError(res, err, { offset: err.offset })
      else if (err instanceof FerryError && err.code === 'CONNECTION_CLOSED') res.destroy()
      else {
        if (!(err instanceof FerryError)) log('error', `web: ${req.method ?? '?'} failed: ${String(err)}`)
        sendError(res, err)
      }
      // A body nobody read would otherwise hold the connection; drain at most a little, then close.
      if (!req.complete) res.once('finish', () => req.destroy())
    })
  })
  server.on('clientError', (err: NodeJS.ErrnoException, socket: net.Socket) => {
    if (!socket.writable) {
      socket.destroy()
      return
    }
    const [status, text] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout']
          : [400, 'Bad Request']
    const body = JSON.stringify({
      code: status === 408 ? 'TIMEOUT' : status === 431 ? 'TOO_LARGE' : 'PROTOCOL',
      message: text,
    })
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  })
  server.on('tlsClientError', (err: Error, socket: net.Socket) => {
    socket.destroy()
    log('warn', `web: TLS handshake failed from ${socket.remoteAddress ?? '?'}: ${err.message}`)
  })

  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  server.on('error', (err) => log('error', `web server error: ${err.message}`))
  const address = (): { host: string; port: number } => {
    const a = server.address()
    if (a === null || typeof a === 'string') throw new FerryError('INTERNAL', 'web server is not listening')
    return { host: a.address, port: a.port }
  }
  const bound = address()
  const shownHost = bound.host.includes(':') ? `[${bound.host}]` : bound.host
  let closing: Promise<void> | null = null
  return {
    url: `${options.tls ? 'https' : 'http'}://${shownHost}:${bound.port}/`,
    address,
    close: () => {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()))
        server.closeAllConnections()
        await closed
        await uploads.close()
      })()
      return closing
    },
  }
}

function notFound(): FerryError {
  return new FerryError('NOT_FOUND', 'no such page or API')
}

function notAllowed(allow: string): FerryError {
  return new MethodNotAllowed(allow)
}

class MethodNotAllowed extends FerryError {
  constructor(readonly allow: string) {
    super('UNSUPPORTED', `method not allowed here (allowed: ${allow})`)
  }
}

function wholeNumber(value: string | string[] | undefined, name: string): number {
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value))
    throw new FerryError('INVALID_ARGUMENT', `${name} must be a whole number`)
  return Number(value)
}
