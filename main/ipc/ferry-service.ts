// FerryService: the whole back end the renderer talks to, as one handler per Api call. Each handler validates its
// arguments and resolves to an IpcResult; none throws. Transports (Electron IPC, browser-mode WebSocket) look
// handlers up by Api method name and subscribe to `events`.
import { homedir } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import type { AppInfo, JobOptions } from '../../preload/api'
import { FerryError } from '../protocol/error-codes'
import { defaultDataDir } from '../security/data-dir'
import type { Backends } from './backends'
import type { CallMethod } from './channels'
import { ConnectionService } from './connection-service'
import { DiscoveryService, type DiscoveryServiceOptions } from './discovery-service'
import { HostService } from './host-service'
import { MAX_FILE_PAGE } from './file-ledger'
import { PairingInbox } from './pairing-inbox'
import { PerfService } from './perf-service'
import type { Handler } from './result'
import { handler } from './result'
import {
  ConnectTargetSchema,
  fingerprint,
  FolderPurposeSchema,
  hostName,
  HostOptionsSchema,
  LocalUploadItemSchema,
  localPath,
  MAX_BATCH,
  pairingLinkText,
  PerfOptionsSchema,
  port,
  remoteItemPath,
  remotePath,
  transferId,
} from './schemas'
import { SecureAccess } from './secure-access'
import { parsePairingLink } from '../security/pairing-link'
import { ServiceEvents } from './service-events'
import { DownloadPlanner, groupUploads, planUploads } from './transfer-planner'
import type { SizedUploadItem } from './transfer-planner'
import type { JobSpec } from './transfer-service'
import { TransferJournal, transferJournalFile } from './transfer-journal'
import { TransferService } from './transfer-service'

const JobOptionsSchema = z.strictObject({ stopOnError: z.boolean().optional() })

/** The user's choices for these jobs, carried by each spec. */
function withJobOptions(specs: JobSpec[], options: JobOptions): JobSpec[] {
  return options.stopOnError ? specs.map((spec) => ({ ...spec, stopOnError: true })) : specs
}

export interface FerryServiceOptions {
  mode: AppInfo['mode']
  version: string
  defaultDownloadDir?: string
  defaultShareDir?: string
  /** The native folder picker; absent in browser mode, where chooseFolder resolves null. */
  chooseFolder?: (purpose: 'share' | 'download') => Promise<string | null>
  /** Parallel transfers (connections) in the queue; default 3. */
  parallelTransfers?: number
  /** Least time between two progress updates of one transfer; default 250 ms. */
  transferUpdateIntervalMs?: number
  /**
   * Where the TLS identity (hosting) and the pinned server fingerprints (connecting) are kept: Electron's
   * userData, browser mode's data folder. Default: the CLI's data folder (security/data-dir.ts).
   */
  dataDir?: string
  backends: Backends
  /** Where discovery's mDNS sockets listen and send (discovery-service.ts); the mDNS defaults when absent. */
  discovery?: DiscoveryServiceOptions
}

/** Handlers of every call. uploadFiles takes local file paths: the transports turn a renderer File into one. */
export type FerryHandlers = Record<CallMethod, Handler<unknown>>

export class FerryService {
  readonly events = new ServiceEvents()
  readonly host: HostService
  readonly connection: ConnectionService
  readonly transfers: TransferService
  readonly perf: PerfService
  readonly access: SecureAccess
  /** Where the shell delivers ferry:// links the operating system opened the app with. */
  readonly pairing: PairingInbox
  /** The Connect view's nearby list and this computer's LAN announcement while hosting. */
  readonly discovery: DiscoveryService
  readonly handlers: FerryHandlers
  private readonly downloads = new DownloadPlanner()

  constructor(private readonly options: FerryServiceOptions) {
    const { backends } = options
    this.access = new SecureAccess(options.dataDir ?? defaultDataDir())
    const connector = this.access.connector(backends)
    this.pairing = new PairingInbox(this.events)
    this.discovery = new DiscoveryService(this.events, options.discovery)
    this.host = new HostService(this.events, backends, this.access)
    this.connection = new ConnectionService(this.events, connector)
    this.transfers = new TransferService(this.events, connector, {
      ...(options.parallelTransfers ? { parallel: options.parallelTransfers } : {}),
      ...(options.transferUpdateIntervalMs !== undefined
        ? { updateIntervalMs: options.transferUpdateIntervalMs }
        : {}),
      journal: (snapshot) =>
        new TransferJournal(transferJournalFile(this.access.dataDir), {
          snapshot,
          // Said twice: the host log shows it once a window listens, the console has it even before.
          warn: (message) => {
            console.warn(`ferry: ${message}`)
            this.warn(message)
          },
        }),
      currentTarget: () => this.connection.target(),
    })
    this.perf = new PerfService(this.events, backends, () => this.connection.target())
    // A name is held only while its download runs: once it ends (cancelled and failed too) the disk decides, so
    // a copy the user deleted frees its name instead of pushing the next download to "name (2)".
    this.events.on('transfer', ({ transfer }) => {
      const ended = transfer.state === 'done' || transfer.state === 'cancelled' || transfer.state === 'failed'
      if (ended && transfer.direction === 'download' && transfer.localPath) {
        this.downloads.release([transfer.localPath])
      }
    })
    this.handlers = this.buildHandlers()
  }

  appInfo(): AppInfo {
    return {
      mode: this.options.mode,
      version: this.options.version,
      platform: process.platform,
      defaultDownloadDir: this.options.defaultDownloadDir ?? join(homedir(), 'Downloads'),
      defaultShareDir: this.options.defaultShareDir ?? join(homedir(), 'Ferry'),
    }
  }

  /** Uploads local files (already on this machine) into remoteDir on the connected server. */
  async uploadLocal(
    items: z.infer<typeof LocalUploadItemSchema>[],
    remoteDir: string,
    options: { removeLocalWhenDone?: boolean; stopOnError?: boolean } = {},
  ): Promise<string[]> {
    const specs = await planUploads(items, remoteDir, this.requireTarget(), options)
    return this.transfers.enqueue(withJobOptions(specs, options))
  }

  /**
   * The jobs for files not here yet (browser mode: the page is about to send each to its localPath), sized as
   * declared and checked like any upload. The transport adds them with transfers.enqueueArriving.
   */
  planArriving(items: SizedUploadItem[], remoteDir: string, options: JobOptions = {}): JobSpec[] {
    const specs = groupUploads(items, remoteDir, this.requireTarget(), { removeLocalWhenDone: true })
    return withJobOptions(specs, options)
  }

  /**
   * Stops everything: transfers (saving the transfer list, so a restart offers to resume them), perf run,
   * connection, hosted server. For app quit and tests.
   */
  async dispose(): Promise<void> {
    await Promise.allSettled([this.transfers.dispose(), this.perf.dispose()])
    await Promise.allSettled([this.connection.disconnect(), this.host.stop()])
    await this.discovery.dispose()
  }

  /** A warning for the host's log, where the user sees what the back end noticed. */
  private warn(message: string): void {
    this.events.emit('host', { type: 'log', level: 'warn', message, time: Date.now() })
  }

  private requireTarget() {
    const target = this.connection.target()
    if (!target) throw new FerryError('CONNECTION_CLOSED', 'connect to a server first')
    return target
  }

  private buildHandlers(): FerryHandlers {
    const none = z.tuple([])
    return {
      getAppInfo: handler(none, () => this.appInfo()),
      chooseFolder: handler(z.tuple([FolderPurposeSchema]), async (purpose) =>
        this.options.chooseFolder ? this.options.chooseFolder(purpose) : null,
      ),
      startHost: handler(z.tuple([HostOptionsSchema]), (options) => this.host.start(options)),
      stopHost: handler(none, () => this.host.stop()),
      getHostStatus: handler(none, () => this.host.status()),
      getHostSettings: handler(none, () => this.access.hostSettings((message) => this.warn(message))),
      connect: handler(z.tuple([ConnectTargetSchema]), (target) => this.connection.connect(target)),
      trustFingerprint: handler(z.tuple([hostName, port.min(1), fingerprint]), (host, p, fp) =>
        this.access.pin(host, p, fp),
      ),
      disconnect: handler(none, () => this.connection.disconnect()),
      getConnectionState: handler(none, () => this.connection.state()),
      parsePairingLink: handler(z.tuple([pairingLinkText]), (link) => parsePairingLink(link)),
      takePairingLink: handler(none, () => this.pairing.take()),
      listTrustedServers: handler(none, () => this.access.trustedServers()),
      forgetTrustedServer: handler(z.tuple([hostName, port.min(1)]), (host, p) =>
        this.access.forget(host, p),
      ),
      listRemote: handler(z.tuple([remotePath]), (path) => this.connection.list(path)),
      makeRemoteFolder: handler(z.tuple([remoteItemPath]), (path) => this.connection.mkdir(path)),
      renameRemote: handler(z.tuple([remoteItemPath, remoteItemPath]), (from, to) =>
        this.connection.rename(from, to),
      ),
      deleteRemote: handler(z.tuple([remoteItemPath, z.boolean()]), (path, recursive) =>
        this.connection.delete(path, recursive),
      ),
      uploadFiles: handler(
        z.tuple([z.array(LocalUploadItemSchema).max(MAX_BATCH), remotePath, JobOptionsSchema.optional()]),
        (items, dir, options) => this.uploadLocal(items, dir, options ?? {}),
      ),
      download: handler(
        z.tuple([z.array(remoteItemPath).min(1).max(MAX_BATCH), localPath, JobOptionsSchema.optional()]),
        async (paths, localDir, options) => {
          const target = this.requireTarget()
          const specs = await this.downloads.plan(this.connection, paths, localDir, target)
          return this.transfers.enqueue(withJobOptions(specs, options ?? {}))
        },
      ),
      cancelTransfer: handler(z.tuple([transferId]), (id) => this.transfers.cancel(id)),
      retryTransfer: handler(z.tuple([transferId]), (id) => this.transfers.retry(id)),
      listTransfers: handler(none, async () => {
        await this.transfers.ready
        return this.transfers.list()
      }),
      listTransferFiles: handler(
        z.tuple([transferId, z.number().int().min(0), z.number().int().min(1).max(MAX_FILE_PAGE)]),
        async (id, offset, limit) => {
          await this.transfers.ready
          return this.transfers.listFiles(id, offset, limit)
        },
      ),
      clearFinishedTransfers: handler(none, () => this.transfers.clearFinished()),
      startPerf: handler(z.tuple([PerfOptionsSchema]), (options) => this.perf.start(options)),
      cancelPerf: handler(none, () => this.perf.cancel()),
      browseNearby: handler(none, () => this.discovery.browse()),
      stopBrowsingNearby: handler(none, () => this.discovery.stopBrowsing()),
      setHostAnnounce: handler(z.tuple([z.boolean()]), (enabled) => this.discovery.setAnnounce(enabled)),
    }
  }
}
