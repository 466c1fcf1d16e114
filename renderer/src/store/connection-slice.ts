import type { ApiError, ConnectionInfo, ConnectionState, ConnectTarget } from '../../../preload/api'
import { call } from '../lib/api'
import { parsePort } from './host-slice'
import type { SliceCreator } from './types'

export interface RecentServer {
  host: string
  port: number
  serverName: string
  lastUsed: number
  /** Whether it was reached over TLS. The token is never remembered. */
  tls: boolean
}

/** A server presented another certificate than the one pinned for it: shown as a warning dialog. */
export interface FingerprintMismatch {
  host: string
  port: number
  /** The pinned fingerprint, 'AB:CD:...'. */
  expected: string
  /** What the server presents now, 'AB:CD:...'. */
  presented: string
  message: string
  /** The attempt to repeat once the user trusts the new certificate (token in memory only). */
  target: ConnectTarget
  /**
   * The expected fingerprint came from a pairing link the user gave, not from an earlier visit: the server is
   * not the one the link names, and there is nothing to "trust instead".
   */
  fromLink: boolean
}

export interface ConnectFieldErrors {
  host: string | null
  port: string | null
}

const NO_FIELD_ERRORS: ConnectFieldErrors = { host: null, port: null }

/** A back end INVALID_ARGUMENT names its field ("host: not a host name or IP address"): show it there. */
function fieldErrorOf(error: ApiError): ConnectFieldErrors | null {
  if (error.code !== 'INVALID_ARGUMENT') return null
  const match = /^(host|port): (.+)$/.exec(error.message.trim())
  if (!match) return null
  const [, field, problem] = match
  const text = `${(problem ?? '').charAt(0).toUpperCase()}${(problem ?? '').slice(1)}.`
  return field === 'host' ? { host: text, port: null } : { host: null, port: text }
}

export interface ConnectionSlice {
  connection: ConnectionState
  connectHost: string
  connectPort: string
  /** Kept in memory only, never persisted. */
  connectToken: string
  connectTls: boolean
  /**
   * The certificate fingerprint the form's server must present ('AB:CD:...'), from a pairing link; null for
   * trust on first use. Bound to the form's host and port: changing either clears it.
   */
  connectFingerprint: string | null
  fingerprintMismatch: FingerprintMismatch | null
  /** What is wrong with the form's host or port, shown next to the field (null: nothing). */
  connectFieldErrors: ConnectFieldErrors
  /** Remembered across sessions (persisted to localStorage). */
  recentServers: RecentServer[]
  setConnectForm(
    patch: Partial<
      Pick<
        ConnectionSlice,
        'connectHost' | 'connectPort' | 'connectToken' | 'connectTls' | 'connectFingerprint'
      >
    >,
  ): void
  /** Connects to the form's server, or to target (a recent server: no token unless the form names it too). */
  connect(target?: { host: string; port: number; tls?: boolean }): Promise<boolean>
  /** Pins the certificate the server presents now and connects again: after the user compared it by eye. */
  trustNewCertificate(): Promise<boolean>
  dismissFingerprintMismatch(): void
  disconnect(): Promise<void>
  forgetServer(host: string, port: number): void
  applyConnectionState(state: ConnectionState): void
  /** Takes the back end's current connection (a reloaded page, a restored bridge). */
  loadConnectionState(): Promise<void>
}

const MAX_RECENT = 8

function remember(list: RecentServer[], info: ConnectionInfo): RecentServer[] {
  const entry: RecentServer = {
    host: info.host,
    port: info.port,
    serverName: info.serverName,
    lastUsed: Date.now(),
    tls: info.tls,
  }
  const rest = list.filter((r) => !(r.host === info.host && r.port === info.port))
  return [entry, ...rest].slice(0, MAX_RECENT)
}

export const createConnectionSlice: SliceCreator<ConnectionSlice> = (api) => (set, get) => {
  const attempt = async (target: ConnectTarget): Promise<boolean> => {
    set({ connection: { state: 'connecting', host: target.host, port: target.port } })
    const result = await call(api.connect(target))
    if (!result.ok) {
      const { error } = result
      const fieldErrors = fieldErrorOf(error)
      if (fieldErrors) {
        // The form is wrong, not the connection: say so at the field, and leave the status as it was before.
        set({ connection: { state: 'disconnected' }, connectFieldErrors: fieldErrors })
        return false
      }
      const expected = error.details?.['expected']
      const presented = error.details?.['presented']
      const fromLink = target.fingerprint !== undefined
      set({
        connection: { state: 'error', error },
        fingerprintMismatch:
          error.code === 'FINGERPRINT_MISMATCH' && expected && presented
            ? {
                host: target.host,
                port: target.port,
                expected,
                presented,
                message: error.message,
                target,
                fromLink,
              }
            : null,
      })
      return false
    }
    get().applyConnectionState({ state: 'connected', info: result.value })
    // A TLS connection pins (or re-confirms) its server: the trusted list changed.
    if (result.value.tls) void get().loadTrustedServers()
    return true
  }

  return {
    connection: { state: 'disconnected' },
    connectHost: '127.0.0.1',
    connectPort: '7420',
    connectToken: '',
    connectTls: true,
    connectFingerprint: null,
    fingerprintMismatch: null,
    connectFieldErrors: NO_FIELD_ERRORS,
    recentServers: [],
    setConnectForm: (patch) => {
      const form = get()
      const moved =
        (patch.connectHost !== undefined && patch.connectHost.trim() !== form.connectHost.trim()) ||
        (patch.connectPort !== undefined && patch.connectPort.trim() !== form.connectPort.trim()) ||
        patch.connectTls === false
      // A field's error goes away as soon as the user edits that field.
      const fieldErrors = {
        host: patch.connectHost !== undefined ? null : form.connectFieldErrors.host,
        port: patch.connectPort !== undefined ? null : form.connectFieldErrors.port,
      }
      // A link's fingerprint belongs to the link's server, over TLS: never carry it to another one.
      set({
        ...patch,
        ...(moved && patch.connectFingerprint === undefined ? { connectFingerprint: null } : {}),
        connectFieldErrors: fieldErrors,
      })
    },
    connect: async (target) => {
      const form = get()
      let host: string
      let port: number | null
      let tls: boolean
      let token = form.connectToken.trim()
      let fingerprint = form.connectFingerprint
      if (target) {
        ;({ host, port } = target)
        tls = target.tls ?? false
        // The form's token and pinned fingerprint are for the form's server: never hand them to another one.
        if (host !== form.connectHost.trim() || String(port) !== form.connectPort.trim()) {
          token = ''
          fingerprint = null
        }
        if (!tls) fingerprint = null
        set({
          connectHost: host,
          connectPort: String(port),
          connectTls: tls,
          connectFingerprint: fingerprint,
        })
      } else {
        host = form.connectHost.trim()
        port = parsePort(form.connectPort, false)
        tls = form.connectTls
      }
      const fieldErrors: ConnectFieldErrors = {
        host: host === '' ? 'Enter the host name or address of the server.' : null,
        port: port === null ? 'Port must be a number from 1 to 65535.' : null,
      }
      if (host === '' || port === null) {
        // An earlier attempt's error is not this one's: the status box stops showing it.
        const { connection } = get()
        set({
          connectFieldErrors: fieldErrors,
          ...(connection.state === 'error' ? { connection: { state: 'disconnected' as const } } : {}),
        })
        return false
      }
      set({ connectFieldErrors: NO_FIELD_ERRORS })
      return attempt({
        host,
        port,
        ...(tls ? { tls: true } : {}),
        ...(token ? { token } : {}),
        ...(tls && fingerprint ? { fingerprint } : {}),
      })
    },
    trustNewCertificate: async () => {
      const mismatch = get().fingerprintMismatch
      // A link names the certificate to expect: accepting another one would defeat it.
      if (!mismatch || mismatch.fromLink) return false
      set({ fingerprintMismatch: null })
      const trusted = await call(api.trustFingerprint(mismatch.host, mismatch.port, mismatch.presented))
      if (!trusted.ok) {
        get().notifyError(trusted.error, 'Could not trust the new certificate')
        return false
      }
      void get().loadTrustedServers()
      return attempt(mismatch.target)
    },
    dismissFingerprintMismatch: () => set({ fingerprintMismatch: null }),
    disconnect: async () => {
      const result = await call(api.disconnect())
      if (!result.ok) return get().notifyError(result.error, 'Could not disconnect')
      get().applyConnectionState({ state: 'disconnected' })
    },
    forgetServer: (host, port) =>
      set((s) => ({
        recentServers: s.recentServers.filter((r) => !(r.host === host && r.port === port)),
      })),
    applyConnectionState: (state) => {
      const previous = get().connection
      if (state.state === 'connected') {
        const sameServer =
          previous.state === 'connected' &&
          previous.info.host === state.info.host &&
          previous.info.port === state.info.port
        set((s) => ({ connection: state, recentServers: remember(s.recentServers, state.info) }))
        if (!sameServer) void get().navigate('')
        return
      }
      set({ connection: state })
      if (state.state === 'disconnected' || state.state === 'error') get().resetBrowse()
    },
    loadConnectionState: async () => {
      const result = await call(api.getConnectionState())
      // 'connecting' is transient: its outcome arrives as an event.
      if (result.ok && result.value.state !== 'connecting') get().applyConnectionState(result.value)
    },
  }
}
