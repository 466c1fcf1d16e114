// Opening a connection: TCP connect (or TLS with a pinned fingerprint, verified before anything is sent), HELLO
// (validated; another protocol version is UNSUPPORTED), then AUTH when a token is given. One timeout covers the
// greeting, and an abort signal cancels it. A TLS connection never falls back to plaintext.
import net from 'node:net'
import { FerryError } from '../protocol/error-codes'
import type { DecodedEvent } from '../protocol/frame-codec'
import { PROTOCOL_VERSION } from '../protocol/limits'
import { HelloSchema, ResponseSchemas, describeIssues, type Hello } from '../protocol/messages'
import { connectTls, type PinPolicy } from '../security/tls-options'
import { Connection, type CloseListener } from './connection'

export interface OpenOptions {
  host: string
  port: number
  token?: string
  connectTimeoutMs: number
  signal?: AbortSignal
  /** Speak TLS and pin the server's certificate (an expected fingerprint, or trust on first use). */
  tls?: PinPolicy
}

export async function openConnection(options: OpenOptions, onClose: CloseListener): Promise<Connection> {
  const where = `${options.host}:${options.port}`
  if (options.signal?.aborted) throw new FerryError('CANCELLED', 'cancelled')
  const secure = options.tls
    ? await connectTls({
        host: options.host,
        port: options.port,
        pin: options.tls,
        connectTimeoutMs: options.connectTimeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      })
    : null
  const socket = secure?.socket ?? net.connect({ host: options.host, port: options.port })
  const conn = Connection.attach(socket, where, onClose)
  conn.tlsFingerprint = secure?.fingerprint ?? null
  const timer = setTimeout(() => {
    const seconds = Math.round(options.connectTimeoutMs / 100) / 10
    conn.destroy(new FerryError('TIMEOUT', `no answer from ${where} within ${seconds} s`))
  }, options.connectTimeoutMs)
  const onAbort = (): void => conn.destroy(new FerryError('CANCELLED', 'cancelled'))
  options.signal?.addEventListener('abort', onAbort, { once: true })
  try {
    conn.hello = readHello(conn, where, await conn.next())
    if (conn.hello.auth === 'token' && options.token === undefined) {
      throw conn.failWith('AUTH_REQUIRED', `${where} requires a token`)
    }
    if (options.token !== undefined) {
      await conn.request({ op: 'AUTH', token: options.token }, ResponseSchemas.AUTH)
    }
    conn.end()
    return conn
  } catch (err: unknown) {
    conn.destroy(err instanceof FerryError ? err : new FerryError('INTERNAL', String(err), { cause: err }))
    if (err instanceof FerryError && err.code === 'CONNECTION_CLOSED') {
      throw new FerryError('CONNECTION_FAILED', `${where} closed the connection during the handshake`, {
        cause: err,
      })
    }
    throw err
  } finally {
    clearTimeout(timer)
    options.signal?.removeEventListener('abort', onAbort)
  }
}

function readHello(conn: Connection, where: string, event: DecodedEvent): Hello {
  if (event.kind !== 'header') throw conn.failWith('PROTOCOL', 'expected a greeting')
  const protocol = event.header['protocol']
  if (event.header['type'] === 'hello' && typeof protocol === 'number' && protocol !== PROTOCOL_VERSION) {
    throw conn.failWith(
      'UNSUPPORTED',
      `${where} speaks protocol ${protocol}, this client ${PROTOCOL_VERSION}`,
    )
  }
  const hello = HelloSchema.safeParse(event.header)
  if (!hello.success) throw conn.failWith('PROTOCOL', `invalid greeting: ${describeIssues(hello.error)}`)
  if (event.header['body'] !== undefined) throw conn.failWith('PROTOCOL', 'greeting with a body')
  return hello.data
}
