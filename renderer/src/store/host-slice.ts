import { STOPPED_HOST_STATUS } from '../../../preload/api'
import type { ApiError, HostEvent, HostOptions, HostStatus } from '../../../preload/api'
import { call } from '../lib/api'
import type { SliceCreator } from './types'

type HostTransferEvent = Extract<HostEvent, { type: 'transfer' }>

/**
 * The latest state of one client's transfer, as the host's activity list shows it; or, with `files`, of the
 * many small files a client is moving back to back (one entry per client and direction, path their folder).
 */
export interface HostActivity extends Pick<
  HostTransferEvent,
  'clientId' | 'direction' | 'path' | 'state' | 'bytes' | 'total' | 'files'
> {
  key: string
  error: string | null
  updatedAt: number
}

export interface HostLogLine {
  id: number
  level: 'info' | 'warn' | 'error'
  message: string
  time: number
}

/** What the Host view shares: a folder on this computer, or a bucket of an S3-compatible store. */
export type HostShareKind = 'folder' | 's3'

export interface HostSlice {
  hostStatus: HostStatus
  hostBusy: boolean
  hostPort: string
  hostShareKind: HostShareKind
  hostRoot: string
  hostS3Endpoint: string
  hostS3Bucket: string
  hostS3Prefix: string
  hostS3Region: string
  hostS3AccessKeyId: string
  /**
   * As typed, sent once when hosting starts and then cleared: the back end keeps it in memory for the session (an
   * empty field reuses it), never saves it, never sends it back. Like the rest of the host form, never persisted.
   */
  hostS3Secret: string
  /** Why the back end refused to start hosting (an unreachable store, wrong credentials...): shown in the form. */
  hostStartError: ApiError | null
  hostBindAll: boolean
  /** Clients must present hostToken (a generated token, or a PIN or password the host chose). */
  hostRequireToken: boolean
  /** Not kept by the page: the back end saves it with the host settings when hosting starts. */
  hostToken: string
  hostTls: boolean
  hostReadOnly: boolean
  /** "Let browsers in": also serve the web page (docs/WEB.md) on hostWebPort. */
  hostWeb: boolean
  /** As typed; 0 picks a free port. */
  hostWebPort: string
  hostActivity: HostActivity[]
  hostLog: HostLogLine[]
  setHostForm(patch: Partial<Pick<HostSlice, HostFormField>>): void
  startHost(): Promise<boolean>
  stopHost(): Promise<void>
  refreshHostStatus(): Promise<void>
  /** Restores the form hosting last started with (token included), when the back end has it. */
  loadHostSettings(): Promise<void>
  applyHostEvents(events: HostEvent[]): void
}

export type HostFormField =
  | 'hostPort'
  | 'hostShareKind'
  | 'hostRoot'
  | 'hostS3Endpoint'
  | 'hostS3Bucket'
  | 'hostS3Prefix'
  | 'hostS3Region'
  | 'hostS3AccessKeyId'
  | 'hostS3Secret'
  | 'hostBindAll'
  | 'hostRequireToken'
  | 'hostToken'
  | 'hostTls'
  | 'hostReadOnly'
  | 'hostWeb'
  | 'hostWebPort'

const MAX_ACTIVITY = 50
const MAX_LOG = 500
let nextLogId = 1

/** One entry per transfer, and one for a client's run of small files in one direction (whatever its folder). */
export function activityKey(e: HostTransferEvent): string {
  return e.files ? `${e.clientId}:${e.direction}:*files` : `${e.clientId}:${e.direction}:${e.path}`
}

/** The share part of the start call, or what the user still has to fill in. */
function shareOf(form: HostSlice): Pick<HostOptions, 'root' | 's3'> | string {
  if (form.hostShareKind === 'folder') {
    const root = form.hostRoot.trim()
    return root === '' ? 'Choose a folder to share.' : { root }
  }
  const endpoint = form.hostS3Endpoint.trim()
  const bucket = form.hostS3Bucket.trim()
  const accessKeyId = form.hostS3AccessKeyId.trim()
  if (endpoint === '' || bucket === '' || accessKeyId === '')
    return 'Enter the S3 endpoint, bucket and access key id.'
  const prefix = form.hostS3Prefix.trim()
  const region = form.hostS3Region.trim()
  return {
    s3: {
      endpoint,
      bucket,
      accessKeyId,
      ...(prefix !== '' ? { prefix } : {}),
      ...(region !== '' ? { region } : {}),
      ...(form.hostS3Secret !== '' ? { secretAccessKey: form.hostS3Secret } : {}),
    },
  }
}

/** Parses the port field: '' means any free port (0). Returns null when invalid. */
export function parsePort(text: string, allowZero: boolean): number | null {
  const trimmed = text.trim()
  if (trimmed === '') return allowZero ? 0 : null
  if (!/^\d+$/.test(trimmed)) return null
  const port = Number(trimmed)
  if (port > 65535 || (port === 0 && !allowZero)) return null
  return port
}

export const createHostSlice: SliceCreator<HostSlice> = (api) => (set, get) => ({
  hostStatus: STOPPED_HOST_STATUS,
  hostBusy: false,
  hostPort: '7420',
  hostShareKind: 'folder',
  hostRoot: '',
  hostS3Endpoint: '',
  hostS3Bucket: '',
  hostS3Prefix: '',
  hostS3Region: '',
  hostS3AccessKeyId: '',
  hostS3Secret: '',
  hostStartError: null,
  hostBindAll: false,
  hostRequireToken: false,
  hostToken: '',
  // Encrypted by default: the certificate is made once and costs nothing after; plaintext is an explicit choice.
  hostTls: true,
  hostReadOnly: false,
  hostWeb: false,
  hostWebPort: '8080',
  hostActivity: [],
  hostLog: [],
  // A changed form is a new attempt: the last start error no longer describes it.
  setHostForm: (patch) => set({ ...patch, hostStartError: null }),
  startHost: async () => {
    const { hostPort, hostBindAll, hostRequireToken, hostToken, hostTls, hostReadOnly } = get()
    const port = parsePort(hostPort, true)
    if (port === null) {
      get().notify('error', 'Port must be a number from 0 to 65535 (0 picks a free port).')
      return false
    }
    const webPort = get().hostWeb ? parsePort(get().hostWebPort, true) : null
    if (get().hostWeb && webPort === null) {
      get().notify('error', 'The port for browsers must be a number from 0 to 65535 (0 picks a free port).')
      return false
    }
    const share = shareOf(get())
    if (typeof share === 'string') {
      get().notify('error', share)
      return false
    }
    const token = hostRequireToken ? hostToken.trim() : ''
    if (hostRequireToken && token === '') {
      get().notify('error', 'Enter an access token, PIN or password, or generate one.')
      return false
    }
    set({ hostBusy: true, hostStartError: null })
    const result = await call(
      api.startHost({
        port,
        ...share,
        bindAll: hostBindAll,
        tls: hostTls,
        readOnly: hostReadOnly,
        ...(token ? { token } : {}),
        ...(webPort !== null ? { web: { port: webPort } } : {}),
      }),
    )
    set({ hostBusy: false })
    if (!result.ok) {
      // Said in the form, next to what to fix, rather than in a notice that goes away.
      set({ hostStartError: result.error })
      return false
    }
    // The back end has the secret now; the page need not hold it any longer.
    set({ hostStatus: result.value, hostS3Secret: '' })
    return true
  },
  stopHost: async () => {
    set({ hostBusy: true })
    const result = await call(api.stopHost())
    set({ hostBusy: false })
    if (!result.ok) return get().notifyError(result.error, 'Could not stop hosting')
    set({ hostStatus: result.value })
  },
  refreshHostStatus: async () => {
    const result = await call(api.getHostStatus())
    if (result.ok) set({ hostStatus: result.value })
  },
  loadHostSettings: async () => {
    const result = await call(api.getHostSettings())
    if (!result.ok) return get().notifyError(result.error, 'Could not read the saved host settings')
    const saved = result.value
    if (!saved) return
    set({
      hostPort: String(saved.port),
      hostRoot: saved.root,
      hostBindAll: saved.bindAll,
      hostTls: saved.tls,
      hostReadOnly: saved.readOnly,
      hostRequireToken: saved.token !== undefined,
      hostToken: saved.token ?? '',
    })
  },
  applyHostEvents: (events) =>
    set((s) => {
      let { hostStatus, hostActivity, hostLog } = s
      for (const e of events) {
        switch (e.type) {
          case 'status':
            hostStatus = e.status
            break
          case 'client-connected':
            hostStatus = {
              ...hostStatus,
              clients: [...hostStatus.clients.filter((c) => c.id !== e.client.id), e.client],
            }
            break
          case 'client-left':
            hostStatus = { ...hostStatus, clients: hostStatus.clients.filter((c) => c.id !== e.clientId) }
            break
          case 'transfer': {
            const key = activityKey(e)
            const activity: HostActivity = {
              key,
              clientId: e.clientId,
              direction: e.direction,
              path: e.path,
              state: e.state,
              bytes: e.bytes,
              total: e.total,
              error: e.error ? `${e.error.message} (${e.error.code})` : null,
              updatedAt: Date.now(),
              ...(e.files ? { files: e.files } : {}),
            }
            hostActivity = [activity, ...hostActivity.filter((a) => a.key !== key)].slice(0, MAX_ACTIVITY)
            break
          }
          case 'log':
            hostLog = [
              ...hostLog,
              { id: nextLogId++, level: e.level, message: e.message, time: e.time },
            ].slice(-MAX_LOG)
            break
        }
      }
      return { hostStatus, hostActivity, hostLog }
    }),
})
