// TLS for the Ferry TCP protocol. The server presents its self-signed identity; the client does not use the CA
// system (there is none for a LAN host) but pins the certificate's SHA-256 fingerprint: an expected value the
// user was given, or trust on first use via a TrustStore. The client verifies before writing a single byte, so
// a token never reaches an impostor, and a TLS client never falls back to plaintext.
import net from 'node:net'
import tls from 'node:tls'
import { FerryError, fromSystemError } from '../protocol/error-codes'
import { encodeHeader } from '../protocol/frame-codec'
import { normalizeFingerprint, parseFingerprint } from './fingerprint'
import { FingerprintMismatchError } from './fingerprint-mismatch'
import type { TrustStore } from './trust-store'
import { serverKey } from './trust-store'

export const FERRY_ALPN = 'ferry/1'
/** How long a TLS server waits for a ClientHello before telling a plaintext client, in plaintext, to use TLS. */
export const PLAINTEXT_PROBE_MS = 2000

export function tlsServerOptions(identity: { key: string; cert: string }): tls.TlsOptions {
  return {
    key: identity.key,
    cert: identity.cert,
    minVersion: 'TLSv1.3',
    ALPNProtocols: [FERRY_ALPN],
    handshakeTimeout: 15_000,
  }
}

/**
 * A plaintext Ferry client sends nothing and waits for HELLO, and a TLS server waits for a ClientHello: both would
 * wait until a timeout. When the peer has sent nothing after probeMs, the server writes one plaintext TLS_REQUIRED
 * notice on the raw socket and closes, so the client can say exactly what is wrong. Call before listen().
 */
export function installPlaintextProbe(server: tls.Server, probeMs = PLAINTEXT_PROBE_MS): void {
  const notice = encodeHeader({
    type: 'notice',
    error: { code: 'TLS_REQUIRED', message: 'this Ferry server requires TLS; connect with TLS enabled' },
  })
  server.on('connection', (raw: net.Socket) => {
    const timer = setTimeout(() => {
      if (raw.destroyed || raw.bytesRead > 0) return
      raw.end(notice)
      raw.setTimeout(probeMs, () => raw.destroy())
    }, probeMs)
    timer.unref()
    raw.once('close', () => clearTimeout(timer))
  })
}

export interface PinPolicy {
  /** The fingerprint the user got from the host (typed, pasted, scanned); wins over the store. */
  fingerprint?: string
  /** Trust-on-first-use store. */
  store?: TrustStore
  /** For an unknown server with a store: return false to refuse it (default: pin it, that is TOFU). */
  onFirstUse?: (fingerprint: string) => boolean | Promise<boolean>
}

export interface TlsConnectOptions {
  host: string
  port: number
  pin: PinPolicy
  connectTimeoutMs?: number
  signal?: AbortSignal
}

export interface TlsConnection {
  socket: tls.TLSSocket
  fingerprint: string
  /** True when this connection pinned the server for the first time. */
  firstUse: boolean
}

/** Opens a TLS connection and verifies the pin; resolves only for a verified server, nothing written yet. */
export async function connectTls(options: TlsConnectOptions): Promise<TlsConnection> {
  if (!options.pin.fingerprint && !options.pin.store) {
    throw new FerryError('INVALID_ARGUMENT', 'TLS needs the server fingerprint or a trust store to pin it')
  }
  const expected = options.pin.fingerprint ? parseFingerprint(options.pin.fingerprint) : null
  const socket = await openTls(options)
  try {
    const cert = socket.getPeerX509Certificate()
    if (!cert) throw new FerryError('PROTOCOL', 'server presented no certificate')
    const presented = cert.fingerprint256
    let firstUse = false
    if (expected) {
      if (normalizeFingerprint(presented) !== expected) {
        const server = serverKey(options.host, options.port)
        throw new FingerprintMismatchError(
          { server, expected, presented: parseFingerprint(presented) },
          `WARNING: ${server} presented SHA-256 ${presented}, not the expected ` +
            `${expected}. Someone may be intercepting the connection. Nothing was sent.`,
        )
      }
      await options.pin.store?.pin(options.host, options.port, presented)
    } else if (options.pin.store) {
      const known = options.pin.store.get(options.host, options.port)
      const accept = known ? true : ((await options.pin.onFirstUse?.(presented)) ?? true)
      const result = await options.pin.store.verify(options.host, options.port, presented, accept)
      firstUse = result.status === 'first-use'
    }
    return { socket, fingerprint: presented, firstUse }
  } catch (err: unknown) {
    socket.destroy()
    throw err
  }
}

function openTls(options: TlsConnectOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new FerryError('CANCELLED', 'connection cancelled'))
      return
    }
    const socket = tls.connect({
      host: options.host,
      port: options.port,
      // The pin is checked below instead of a CA chain; a self-signed certificate would always fail the chain.
      rejectUnauthorized: false,
      minVersion: 'TLSv1.3',
      ALPNProtocols: [FERRY_ALPN],
      ...(net.isIP(options.host) ? {} : { servername: options.host }),
    })
    const where = serverKey(options.host, options.port)
    const timer = setTimeout(
      () => fail(new FerryError('TIMEOUT', `TLS handshake with ${where} timed out`)),
      options.connectTimeoutMs ?? 10_000,
    )
    const onAbort = (): void => fail(new FerryError('CANCELLED', 'connection cancelled'))
    options.signal?.addEventListener('abort', onAbort, { once: true })
    const cleanup = (): void => {
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      socket.off('secureConnect', onSecure)
      socket.off('close', onClose)
    }
    function fail(err: FerryError): void {
      cleanup()
      socket.destroy()
      reject(err)
    }
    function onSecure(): void {
      cleanup()
      resolve(socket)
    }
    function onClose(): void {
      fail(new FerryError('CONNECTION_FAILED', `${where} closed the connection during the TLS handshake`))
    }
    socket.once('secureConnect', onSecure)
    socket.once('close', onClose)
    // Stays attached for the socket's whole life: every socket has an 'error' listener.
    socket.on('error', (err: Error) => fail(describeTlsError(err, where)))
  })
}

/** Names the usual reasons a TLS handshake fails in words a user can act on. */
export function describeTlsError(err: unknown, where: string): FerryError {
  if (err instanceof FerryError) return err
  const code = String((err as { code?: unknown }).code ?? '')
  const text = err instanceof Error ? err.message : String(err)
  if (
    /WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|UNKNOWN_PROTOCOL|RECORD_LAYER|HTTP_REQUEST/i.test(
      code + text,
    )
  ) {
    return new FerryError(
      'CONNECTION_FAILED',
      `${where} does not speak TLS (is it running without TLS?); not falling back to plaintext`,
      { cause: err },
    )
  }
  if (/ALPN|NO_APPLICATION_PROTOCOL|UNSUPPORTED_PROTOCOL|VERSION/i.test(code + text)) {
    return new FerryError('CONNECTION_FAILED', `${where} is not a compatible Ferry TLS server (${text})`, {
      cause: err,
    })
  }
  if (/^ERR_SSL|^ERR_TLS/.test(code)) {
    return new FerryError('CONNECTION_FAILED', `TLS handshake with ${where} failed: ${text}`, { cause: err })
  }
  return fromSystemError(err, where)
}
