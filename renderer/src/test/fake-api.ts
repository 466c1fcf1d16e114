// An in-memory Api for component and store tests: a remote tree, a host that "runs", transfers that move only
// when a test says so, and perf runs that report what a test emits. Every call is recorded in `calls`.
import type {
  Api,
  ApiError,
  AppInfo,
  BridgeEvent,
  ConnectionInfo,
  ConnectionState,
  HostEvent,
  HostSettings,
  HostStatus,
  IpcResult,
  NearbyEvent,
  NearbyHost,
  PairingLink,
  PairingLinkEvent,
  PerfEvent,
  RemoteEntry,
  TransferEvent,
  TransferFileInfo,
  TransferInfo,
  TrustedServer,
  Unsubscribe,
} from '../../../preload/api'
import { STOPPED_HOST_STATUS } from '../../../preload/api'

type Listener<E> = (event: E) => void

class Emitter<E> {
  private listeners = new Set<Listener<E>>()
  on(listener: Listener<E>): Unsubscribe {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  emit(event: E): void {
    for (const l of [...this.listeners]) l(event)
  }
  get size(): number {
    return this.listeners.size
  }
}

const ok = <T>(value: T): IpcResult<T> => ({ ok: true, value })
const fail = <T>(code: ApiError['code'], message: string): IpcResult<T> => ({
  ok: false,
  error: { code, message },
})

/** The certificate fingerprint of every fake TLS server and host. */
export const FAKE_FINGERPRINT = Array.from({ length: 32 }, (_, i) =>
  ((i * 7 + 3) % 256).toString(16).toUpperCase().padStart(2, '0'),
).join(':')

/** The host's display form: 16 groups of 4 hex digits in 4 lines. */
function displayForm(fp: string): string {
  const groups = fp.replace(/:/g, '').match(/.{4}/g) ?? []
  return [0, 4, 8, 12].map((i) => groups.slice(i, i + 4).join(' ')).join('\n')
}

export interface FakeCall {
  method: keyof Api
  args: unknown[]
}

export class FakeApi implements Api {
  readonly calls: FakeCall[] = []
  readonly host = new Emitter<HostEvent>()
  readonly connection = new Emitter<ConnectionState>()
  readonly transfer = new Emitter<TransferEvent>()
  readonly perf = new Emitter<PerfEvent>()
  readonly pairing = new Emitter<PairingLinkEvent>()
  readonly bridge = new Emitter<BridgeEvent>()
  /** path -> entry; '' is the root folder and is implicit. */
  readonly tree = new Map<string, RemoteEntry>()
  readonly transfers = new Map<string, TransferInfo>()
  /** What listTransferFiles pages through, per transfer id (a test fills it; failures first, as the back end). */
  readonly transferFiles = new Map<string, TransferFileInfo[]>()
  appInfo: AppInfo = {
    mode: 'browser',
    version: '0.0.0-test',
    platform: 'linux',
    defaultDownloadDir: '/home/test/Downloads',
    defaultShareDir: '/home/test/Ferry',
  }
  hostStatus: HostStatus = STOPPED_HOST_STATUS
  connectionInfo: ConnectionInfo | null = null
  idleTimeoutMs = 300_000
  chosenFolder: string | null = null
  /** What getHostSettings answers (the back end's saved host form). */
  hostSettings: HostSettings | null = null
  /** The link the app was "launched with", handed out once by takePairingLink. */
  launchLink: PairingLink | null = null
  /** Pinned servers; a TLS connect pins (or re-pins) its server here, as the back end does. */
  trusted: TrustedServer[] = []
  private failures = new Map<keyof Api, ApiError>()
  private nextId = 1

  /** The next call of `method` resolves with this error instead of doing anything. */
  failNext(
    method: keyof Api,
    code: ApiError['code'],
    message: string,
    details?: Record<string, string>,
  ): void {
    this.failures.set(method, details ? { code, message, details } : { code, message })
  }

  addEntry(path: string, type: 'file' | 'dir', size = 0, mtimeMs = 1_700_000_000_000): RemoteEntry {
    const name = path.slice(path.lastIndexOf('/') + 1)
    const entry: RemoteEntry = { name, path, type, size, mtimeMs }
    this.tree.set(path, entry)
    return entry
  }

  private record<T>(method: keyof Api, args: unknown[], run: () => IpcResult<T>): Promise<IpcResult<T>> {
    this.calls.push({ method, args })
    const failure = this.failures.get(method)
    if (failure) {
      this.failures.delete(method)
      return Promise.resolve({ ok: false, error: failure })
    }
    return Promise.resolve(run())
  }

  callsOf(method: keyof Api): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args)
  }

  getAppInfo = () => this.record('getAppInfo', [], () => ok(this.appInfo))
  chooseFolder = (purpose: 'share' | 'download') =>
    this.record('chooseFolder', [purpose], () => ok(this.chosenFolder))

  startHost: Api['startHost'] = (options) =>
    this.record('startHost', [options], () => {
      const port = options.port === 0 ? 40123 : options.port
      this.hostStatus = {
        running: true,
        port,
        root:
          options.root ??
          (options.s3 ? `s3://${[options.s3.bucket, options.s3.prefix].filter(Boolean).join('/')}` : null),
        bindAll: options.bindAll,
        addresses: options.bindAll ? [`127.0.0.1:${port}`, `192.168.1.20:${port}`] : [`127.0.0.1:${port}`],
        clients: [],
        tls: options.tls === true,
        fingerprint: options.tls ? displayForm(FAKE_FINGERPRINT) : null,
        pairingLink: options.tls
          ? `ferry://127.0.0.1:${port}?fp=${FAKE_FINGERPRINT.replace(/:/g, '').toLowerCase()}`
          : null,
        tokenRequired: Boolean(options.token),
        readOnly: options.readOnly === true,
        ...(options.web
          ? { webAddresses: [`${options.tls ? 'https' : 'http'}://127.0.0.1:${options.web.port || 40124}/`] }
          : {}),
      }
      return ok(this.hostStatus)
    })
  stopHost: Api['stopHost'] = () =>
    this.record('stopHost', [], () => {
      this.hostStatus = STOPPED_HOST_STATUS
      return ok(this.hostStatus)
    })
  getHostStatus: Api['getHostStatus'] = () => this.record('getHostStatus', [], () => ok(this.hostStatus))
  getHostSettings: Api['getHostSettings'] = () =>
    this.record('getHostSettings', [], () => ok(this.hostSettings))
  onHostEvent: Api['onHostEvent'] = (l) => this.host.on(l)

  connect: Api['connect'] = (target) =>
    this.record('connect', [target], () => {
      const tls = target.tls === true || target.fingerprint !== undefined
      if (target.fingerprint !== undefined && target.fingerprint !== FAKE_FINGERPRINT) {
        return {
          ok: false,
          error: {
            code: 'FINGERPRINT_MISMATCH',
            message: `${target.host}:${target.port} presented another certificate than the expected one`,
            details: {
              server: `${target.host}:${target.port}`,
              expected: target.fingerprint,
              presented: FAKE_FINGERPRINT,
            },
          },
        }
      }
      this.connectionInfo = {
        host: target.host,
        port: target.port,
        serverName: 'fake-server',
        protocol: 1,
        idleTimeoutMs: this.idleTimeoutMs,
        readOnly: false,
        tls,
        fingerprint: tls ? FAKE_FINGERPRINT : null,
      }
      if (tls) this.pin(target.host, target.port, FAKE_FINGERPRINT)
      return ok(this.connectionInfo)
    })
  trustFingerprint: Api['trustFingerprint'] = (host, port, fingerprint) =>
    this.record('trustFingerprint', [host, port, fingerprint], () => {
      this.pin(host, port, fingerprint)
      return ok(null)
    })
  parsePairingLink: Api['parsePairingLink'] = (link) =>
    this.record('parsePairingLink', [link], () => {
      // Enough of the real parser (main/security/pairing-link.ts) for UI tests: host, port, fp, token.
      const m = /^ferry:\/\/(\[[^\]]+\]|[^:/?]+):(\d+)\/?\?fp=([0-9a-fA-F]{64})(?:&token=([^&]+))?$/.exec(
        link.trim(),
      )
      if (!m) return fail('INVALID_ARGUMENT', 'not a valid Ferry link: fp must be 64 hex digits')
      const parsed: PairingLink = {
        host: m[1]!.replace(/^\[|\]$/g, ''),
        port: Number(m[2]),
        tls: true,
        fingerprint: m[3]!.toUpperCase().match(/../g)!.join(':'),
        ...(m[4] ? { token: decodeURIComponent(m[4]) } : {}),
      }
      return ok(parsed)
    })
  takePairingLink: Api['takePairingLink'] = () =>
    this.record('takePairingLink', [], () => {
      const link = this.launchLink
      this.launchLink = null
      return ok(link)
    })
  onPairingLink: Api['onPairingLink'] = (l) => this.pairing.on(l)
  listTrustedServers: Api['listTrustedServers'] = () =>
    this.record('listTrustedServers', [], () => ok([...this.trusted]))
  forgetTrustedServer: Api['forgetTrustedServer'] = (host, port) =>
    this.record('forgetTrustedServer', [host, port], () => {
      const before = this.trusted.length
      this.trusted = this.trusted.filter((t) => !(t.host === host && t.port === port))
      return ok(this.trusted.length < before)
    })
  disconnect: Api['disconnect'] = () =>
    this.record('disconnect', [], () => {
      this.connectionInfo = null
      return ok(null)
    })
  onConnectionEvent: Api['onConnectionEvent'] = (l) => this.connection.on(l)
  getConnectionState: Api['getConnectionState'] = () =>
    this.record('getConnectionState', [], () =>
      ok<ConnectionState>(
        this.connectionInfo ? { state: 'connected', info: this.connectionInfo } : { state: 'disconnected' },
      ),
    )
  onBridgeEvent: Api['onBridgeEvent'] = (l) => this.bridge.on(l)

  listRemote: Api['listRemote'] = (path) =>
    this.record('listRemote', [path], () => {
      if (path !== '' && this.tree.get(path)?.type !== 'dir')
        return fail('NOT_FOUND', `no such folder: ${path}`)
      const prefix = path === '' ? '' : `${path}/`
      const children = [...this.tree.values()].filter(
        (e) => e.path.startsWith(prefix) && !e.path.slice(prefix.length).includes('/'),
      )
      return ok(children)
    })
  makeRemoteFolder: Api['makeRemoteFolder'] = (path) =>
    this.record('makeRemoteFolder', [path], () =>
      this.tree.has(path) ? fail('EXISTS', `already exists: ${path}`) : ok(this.addEntry(path, 'dir')),
    )
  renameRemote: Api['renameRemote'] = (from, to) =>
    this.record('renameRemote', [from, to], () => {
      const entry = this.tree.get(from)
      if (!entry) return fail('NOT_FOUND', `no such entry: ${from}`)
      if (this.tree.has(to)) return fail('EXISTS', `already exists: ${to}`)
      this.tree.delete(from)
      return ok(this.addEntry(to, entry.type, entry.size, entry.mtimeMs))
    })
  deleteRemote: Api['deleteRemote'] = (path, recursive) =>
    this.record('deleteRemote', [path, recursive], () => {
      if (!this.tree.delete(path)) return fail('NOT_FOUND', `no such entry: ${path}`)
      for (const p of [...this.tree.keys()]) if (p.startsWith(`${path}/`)) this.tree.delete(p)
      return ok(null)
    })

  uploadFiles: Api['uploadFiles'] = (items, remoteDir, options) =>
    this.record('uploadFiles', options ? [items, remoteDir, options] : [items, remoteDir], () => {
      // As the back end does: one folder job per top folder, one job per plain file.
      const folders = new Map<string, { size: number; count: number }>()
      const order: Array<{ name: string; folder: boolean; size: number }> = []
      for (const item of items) {
        const slash = item.relativePath.indexOf('/')
        if (slash < 0) {
          order.push({ name: item.relativePath, folder: false, size: item.file.size })
          continue
        }
        const top = item.relativePath.slice(0, slash)
        const folder = folders.get(top) ?? { size: 0, count: 0 }
        if (!folders.has(top)) order.push({ name: top, folder: true, size: 0 })
        folders.set(top, { size: folder.size + item.file.size, count: folder.count + 1 })
      }
      return ok(
        order.map(({ name, folder, size }) => {
          const remote = remoteDir ? `${remoteDir}/${name}` : name
          const f = folders.get(name)
          return folder && f
            ? this.queue('upload', name, remote, f.size, null, f.count)
            : this.queue('upload', name, remote, size)
        }),
      )
    })
  download: Api['download'] = (paths, localDir, options) =>
    this.record('download', options ? [paths, localDir, options] : [paths, localDir], () =>
      ok(
        paths.map((p) => {
          const entry = this.tree.get(p)
          const local = `${localDir}/${p}`
          // A folder is one job; its file count is known once it runs (0 here until a test says otherwise).
          return entry?.type === 'dir'
            ? this.queue('download', entry.name, p, 0, local, 0)
            : this.queue('download', p, p, entry?.size ?? 0, local)
        }),
      ),
    )
  cancelTransfer: Api['cancelTransfer'] = (id) =>
    this.record('cancelTransfer', [id], () => {
      const t = this.transfers.get(id)
      if (!t) return fail('NOT_FOUND', `no transfer ${id}`)
      this.update(id, { state: 'cancelled', error: { code: 'CANCELLED', message: 'cancelled by the user' } })
      return ok(null)
    })
  retryTransfer: Api['retryTransfer'] = (id) =>
    this.record('retryTransfer', [id], () => {
      if (!this.transfers.has(id)) return fail('NOT_FOUND', `no transfer ${id}`)
      this.update(id, { state: 'running', error: null, interrupted: undefined })
      return ok(null)
    })
  listTransfers: Api['listTransfers'] = () =>
    this.record('listTransfers', [], () => ok([...this.transfers.values()]))
  listTransferFiles: Api['listTransferFiles'] = (id, offset, limit) =>
    this.record('listTransferFiles', [id, offset, limit], () => {
      if (!this.transfers.has(id)) return fail('NOT_FOUND', `no transfer ${id}`)
      const files = this.transferFiles.get(id) ?? []
      return ok({ files: files.slice(offset, offset + limit), total: files.length })
    })
  clearFinishedTransfers: Api['clearFinishedTransfers'] = () =>
    this.record('clearFinishedTransfers', [], () => {
      const finished = [...this.transfers.values()].filter(
        (t) => t.state !== 'queued' && t.state !== 'running',
      )
      for (const t of finished) this.transfers.delete(t.id)
      return ok(finished.length)
    })
  onTransferEvent: Api['onTransferEvent'] = (l) => this.transfer.on(l)

  startPerf: Api['startPerf'] = (options) =>
    this.record('startPerf', [options], () => ok(`run-${this.nextId++}`))
  cancelPerf: Api['cancelPerf'] = () => this.record('cancelPerf', [], () => ok(null))
  onPerfEvent: Api['onPerfEvent'] = (l) => this.perf.on(l)

  /** What browseNearby lists; tests push changes through `nearby`. */
  nearbyHosts: NearbyHost[] = []
  readonly nearby = new Emitter<NearbyEvent>()
  announce = true
  browseNearby: Api['browseNearby'] = () => this.record('browseNearby', [], () => ok([...this.nearbyHosts]))
  stopBrowsingNearby: Api['stopBrowsingNearby'] = () => this.record('stopBrowsingNearby', [], () => ok(null))
  onNearbyEvent: Api['onNearbyEvent'] = (l) => this.nearby.on(l)
  setHostAnnounce: Api['setHostAnnounce'] = (enabled) =>
    this.record('setHostAnnounce', [enabled], () => {
      this.announce = enabled
      return ok(enabled && this.hostStatus.running && this.hostStatus.bindAll)
    })

  /** Pins a server the way the back end's trust store does: newest first, one entry per host:port. */
  pin(host: string, port: number, fingerprint: string, now = Date.now()): void {
    const server = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
    const old = this.trusted.find((t) => t.server === server)
    const firstSeen = old && old.fingerprint === fingerprint ? old.firstSeen : now
    this.trusted = [
      { server, host, port, fingerprint, firstSeen, lastSeen: now },
      ...this.trusted.filter((t) => t.server !== server),
    ]
  }

  /** Changes a transfer and pushes the update event, as the back end would. */
  update(id: string, patch: Partial<TransferInfo>): TransferInfo {
    const current = this.transfers.get(id)
    if (!current) throw new Error(`no transfer ${id}`)
    const next = { ...current, ...patch }
    if (
      (next.state === 'done' || next.state === 'failed' || next.state === 'cancelled') &&
      next.finishedAt === null
    )
      next.finishedAt = Date.now()
    this.transfers.set(id, next)
    this.transfer.emit({ type: 'update', transfer: next })
    return next
  }

  private queue(
    direction: 'upload' | 'download',
    name: string,
    remotePath: string,
    total: number,
    localPath: string | null = null,
    /** A folder job of this many files. */
    files?: number,
  ): string {
    const id = `t${this.nextId++}`
    const info: TransferInfo = {
      id,
      direction,
      name,
      remotePath,
      localPath,
      state: 'queued',
      bytes: 0,
      total,
      rate: 0,
      startedAt: Date.now(),
      finishedAt: null,
      error: null,
      ...(files !== undefined ? { files: { done: 0, failed: 0, skipped: 0, total: files } } : {}),
    }
    this.transfers.set(id, info)
    this.transfer.emit({ type: 'update', transfer: info })
    return id
  }
}
