import type { ConnectionInfo, ConnectionState } from '../../../preload/api'
import { call } from '../lib/api'
import { parsePort } from './host-slice'
import type { SliceCreator } from './types'

export interface RecentServer {
  host: string
  port: number
  serverName: string
  lastUsed: number
}

export interface ConnectionSlice {
  connection: ConnectionState
  connectHost: string
  connectPort: string
  /** Remembered across sessions (persisted to localStorage). */
  recentServers: RecentServer[]
  setConnectForm(patch: Partial<Pick<ConnectionSlice, 'connectHost' | 'connectPort'>>): void
  connect(target?: { host: string; port: number }): Promise<boolean>
  disconnect(): Promise<void>
  forgetServer(host: string, port: number): void
  applyConnectionState(state: ConnectionState): void
}

const MAX_RECENT = 8

function remember(list: RecentServer[], info: ConnectionInfo): RecentServer[] {
  const entry: RecentServer = {
    host: info.host,
    port: info.port,
    serverName: info.serverName,
    lastUsed: Date.now(),
  }
  const rest = list.filter((r) => !(r.host === info.host && r.port === info.port))
  return [entry, ...rest].slice(0, MAX_RECENT)
}

export const createConnectionSlice: SliceCreator<ConnectionSlice> = (api) => (set, get) => ({
  connection: { state: 'disconnected' },
  connectHost: '127.0.0.1',
  connectPort: '7420',
  recentServers: [],
  setConnectForm: (patch) => set(patch),
  connect: async (target) => {
    let host: string
    let port: number | null
    if (target) {
      ;({ host, port } = target)
      set({ connectHost: host, connectPort: String(port) })
    } else {
      host = get().connectHost.trim()
      port = parsePort(get().connectPort, false)
    }
    if (host === '') {
      get().notify('error', 'Enter the host name or address of the server.')
      return false
    }
    if (port === null) {
      get().notify('error', 'Port must be a number from 1 to 65535.')
      return false
    }
    set({ connection: { state: 'connecting', host, port } })
    const result = await call(api.connect({ host, port }))
    if (!result.ok) {
      set({ connection: { state: 'error', error: result.error } })
      return false
    }
    get().applyConnectionState({ state: 'connected', info: result.value })
    return true
  },
  disconnect: async () => {
    const result = await call(api.disconnect())
    if (!result.ok) return get().notifyError(result.error, 'Could not disconnect')
    get().applyConnectionState({ state: 'disconnected' })
  },
  forgetServer: (host, port) =>
    set((s) => ({ recentServers: s.recentServers.filter((r) => !(r.host === host && r.port === port)) })),
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
})
