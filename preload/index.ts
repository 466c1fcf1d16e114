// The sandboxed preload: exposes `window.ferry` (the Api of api.ts) with one named invoke per call and one named
// subscription per event stream. Nothing generic (no invoke/send passthrough) crosses the context bridge.
import { contextBridge, ipcRenderer, webUtils } from 'electron'
import type { IpcRendererEvent } from 'electron'
import { CALL_CHANNELS as C, EVENT_CHANNELS as E } from '../main/ipc/channels'
import type { Api, IpcResult, Unsubscribe, UploadItem } from './api'

export interface PreloadIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
  on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown
  removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown
}

/** Builds the Api over an ipcRenderer; exported for the API-surface test. */
export function createPreloadApi(ipc: PreloadIpc, getPathForFile: (file: File) => string): Api {
  const call = <T>(channel: string, ...args: unknown[]) =>
    ipc.invoke(channel, ...args) as Promise<IpcResult<T>>
  const subscribe = <T>(channel: string, listener: (payload: T) => void): Unsubscribe => {
    // The IPC event (with its sender) never reaches the page: only the payload does.
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload as T)
    ipc.on(channel, wrapped)
    return () => {
      ipc.removeListener(channel, wrapped)
    }
  }
  const toLocal = (items: UploadItem[]) =>
    items.map((item) => ({ localPath: getPathForFile(item.file), relativePath: item.relativePath }))

  return {
    getAppInfo: () => call(C.getAppInfo),
    chooseFolder: (purpose) => call(C.chooseFolder, purpose),
    startHost: (options) => call(C.startHost, options),
    stopHost: () => call(C.stopHost),
    getHostStatus: () => call(C.getHostStatus),
    getHostSettings: () => call(C.getHostSettings),
    onHostEvent: (listener) => subscribe(E.host, listener),
    connect: (target) => call(C.connect, target),
    trustFingerprint: (host, port, fingerprint) => call(C.trustFingerprint, host, port, fingerprint),
    disconnect: () => call(C.disconnect),
    parsePairingLink: (link) => call(C.parsePairingLink, link),
    takePairingLink: () => call(C.takePairingLink),
    onPairingLink: (listener) => subscribe(E.pairing, listener),
    listTrustedServers: () => call(C.listTrustedServers),
    forgetTrustedServer: (host, port) => call(C.forgetTrustedServer, host, port),
    onConnectionEvent: (listener) => subscribe(E.connection, listener),
    getConnectionState: () => call(C.getConnectionState),
    // IPC to the main process cannot drop while this window lives: nothing to report.
    onBridgeEvent: () => () => undefined,
    listRemote: (path) => call(C.listRemote, path),
    makeRemoteFolder: (path) => call(C.makeRemoteFolder, path),
    renameRemote: (from, to) => call(C.renameRemote, from, to),
    deleteRemote: (path, recursive) => call(C.deleteRemote, path, recursive),
    uploadFiles: async (items, remoteDir, options) => {
      const local = toLocal(items)
      const missing = local.find((item) => item.localPath === '')
      if (missing) {
        return {
          ok: false,
          error: {
            code: 'INVALID_ARGUMENT',
            message: `${missing.relativePath} is not a file on this computer`,
          },
        }
      }
      return options ? call(C.uploadFiles, local, remoteDir, options) : call(C.uploadFiles, local, remoteDir)
    },
    download: (remotePaths, localDir, options) =>
      options ? call(C.download, remotePaths, localDir, options) : call(C.download, remotePaths, localDir),
    cancelTransfer: (id) => call(C.cancelTransfer, id),
    retryTransfer: (id) => call(C.retryTransfer, id),
    listTransfers: () => call(C.listTransfers),
    listTransferFiles: (id, offset, limit) => call(C.listTransferFiles, id, offset, limit),
    clearFinishedTransfers: () => call(C.clearFinishedTransfers),
    onTransferEvent: (listener) => subscribe(E.transfer, listener),
    startPerf: (options) => call(C.startPerf, options),
    cancelPerf: () => call(C.cancelPerf),
    onPerfEvent: (listener) => subscribe(E.perf, listener),
    browseNearby: () => call(C.browseNearby),
    stopBrowsingNearby: () => call(C.stopBrowsingNearby),
    onNearbyEvent: (listener) => subscribe(E.nearby, listener),
    setHostAnnounce: (enabled) => call(C.setHostAnnounce, enabled),
  }
}

contextBridge.exposeInMainWorld(
  'ferry',
  createPreloadApi(ipcRenderer, (file) => webUtils.getPathForFile(file)),
)
