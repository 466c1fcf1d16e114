// Every IPC channel, listed once. Names show direction: `renderer:*` are calls the renderer makes (invoke/handle),
// `main:*` are pushes from the back end. The preload, the Electron registration and the browser-mode bridge all
// read this file, and a test keeps it equal to the Api interface of preload/api.ts.
import type { Api } from '../../preload/api'

/** Api methods the page side answers by itself: no channel (the link to the back end reports on itself). */
export const LOCAL_METHODS = ['onBridgeEvent'] as const
export type LocalMethod = (typeof LOCAL_METHODS)[number]
/** Api methods that subscribe to pushed events. */
export type EventMethod = Exclude<Extract<keyof Api, `on${string}`>, LocalMethod>
/** Api methods that are request/response calls. */
export type CallMethod = Exclude<keyof Api, EventMethod | LocalMethod>

export const CALL_CHANNELS = {
  getAppInfo: 'renderer:get-app-info',
  chooseFolder: 'renderer:choose-folder',
  startHost: 'renderer:start-host',
  stopHost: 'renderer:stop-host',
  getHostStatus: 'renderer:get-host-status',
  getHostSettings: 'renderer:get-host-settings',
  connect: 'renderer:connect',
  trustFingerprint: 'renderer:trust-fingerprint',
  disconnect: 'renderer:disconnect',
  parsePairingLink: 'renderer:parse-pairing-link',
  takePairingLink: 'renderer:take-pairing-link',
  listTrustedServers: 'renderer:list-trusted-servers',
  getConnectionState: 'renderer:get-connection-state',
  forgetTrustedServer: 'renderer:forget-trusted-server',
  listRemote: 'renderer:list-remote',
  makeRemoteFolder: 'renderer:make-remote-folder',
  renameRemote: 'renderer:rename-remote',
  deleteRemote: 'renderer:delete-remote',
  uploadFiles: 'renderer:upload-files',
  download: 'renderer:download',
  cancelTransfer: 'renderer:cancel-transfer',
  retryTransfer: 'renderer:retry-transfer',
  listTransfers: 'renderer:list-transfers',
  listTransferFiles: 'renderer:list-transfer-files',
  clearFinishedTransfers: 'renderer:clear-finished-transfers',
  startPerf: 'renderer:start-perf',
  cancelPerf: 'renderer:cancel-perf',
  browseNearby: 'renderer:browse-nearby',
  stopBrowsingNearby: 'renderer:stop-browsing-nearby',
  setHostAnnounce: 'renderer:set-host-announce',
} as const satisfies Record<CallMethod, `renderer:${string}`>

/** The back end's event streams, by the name the service emitter uses. */
export const EVENT_CHANNELS = {
  host: 'main:host-event',
  connection: 'main:connection-event',
  transfer: 'main:transfer-event',
  perf: 'main:perf-event',
  pairing: 'main:pairing-link',
  nearby: 'main:nearby-event',
} as const

export type EventName = keyof typeof EVENT_CHANNELS

/** Which Api subscription listens to which event stream. */
export const EVENT_METHODS = {
  onHostEvent: 'host',
  onConnectionEvent: 'connection',
  onTransferEvent: 'transfer',
  onPerfEvent: 'perf',
  onPairingLink: 'pairing',
  onNearbyEvent: 'nearby',
} as const satisfies Record<EventMethod, EventName>

export const CALL_METHODS = Object.keys(CALL_CHANNELS) as CallMethod[]
