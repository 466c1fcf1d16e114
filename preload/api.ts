// THE contract between the renderer and the Ferry back end (Electron main through preload, or the browser-mode
// host over a WebSocket). Types only and no imports, so the renderer can depend on it without pulling in Node.
// Every call resolves to an IpcResult: errors cross the bridge as data with a stable code, never as throws.

/** Mirrors main/protocol/error-codes.ts ERROR_CODES (a test keeps the two equal). */
export type ErrorCode =
  | 'NOT_FOUND'
  | 'EXISTS'
  | 'PATH_INVALID'
  | 'NOT_A_DIRECTORY'
  | 'IS_A_DIRECTORY'
  | 'NOT_EMPTY'
  | 'TOO_LARGE'
  | 'NO_SPACE'
  | 'QUOTA_EXCEEDED'
  | 'CHECKSUM_MISMATCH'
  | 'SIZE_MISMATCH'
  | 'OFFSET_INVALID'
  | 'TIMEOUT'
  | 'PROTOCOL'
  | 'UNSUPPORTED'
  | 'BUSY'
  | 'RATE_LIMITED'
  | 'AUTH_REQUIRED'
  | 'AUTH_FAILED'
  | 'READ_ONLY'
  | 'PERMISSION_DENIED'
  | 'TLS_REQUIRED'
  | 'FINGERPRINT_MISMATCH'
  | 'CANCELLED'
  | 'CONNECTION_FAILED'
  | 'CONNECTION_CLOSED'
  | 'SHUTTING_DOWN'
  | 'STORE_UNAVAILABLE'
  | 'INVALID_ARGUMENT'
  | 'INTERNAL'

export interface ApiError {
  code: ErrorCode
  message: string
  /**
   * Structured facts a UI may need beyond the message. FINGERPRINT_MISMATCH carries `server` ('host:port'),
   * `expected` (the pinned or given fingerprint) and `presented` (the server's), both 'AB:CD:...'.
   */
  details?: Record<string, string>
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: ApiError }

export type Unsubscribe = () => void

export interface AppInfo {
  mode: 'electron' | 'browser'
  version: string
  platform: string
  /** Where downloads go unless the user picks another folder. */
  defaultDownloadDir: string
  /** Suggested shared folder for hosting. */
  defaultShareDir: string
}

// ---- Hosting a server -------------------------------------------------------------------------------------

/**
 * A bucket of an S3-compatible store (Ceph, MinIO, AWS) to share instead of a folder. The secret key goes to the
 * back end only: it is kept in its memory for this session, never saved and never sent back.
 */
export interface HostS3Options {
  /** e.g. http://127.0.0.1:7480 */
  endpoint: string
  bucket: string
  /** A folder inside the bucket; empty or absent: the whole bucket. */
  prefix?: string
  /** Default us-east-1. */
  region?: string
  accessKeyId: string
  /** Empty or absent: the one given for this endpoint and access key earlier in this session. */
  secretAccessKey?: string
}

export interface HostOptions {
  /** 0 picks a free port. */
  port: number
  /** Absolute path of the shared folder on the host machine; give this or `s3`, not both. */
  root?: string
  /** Share an S3 bucket instead of a folder. */
  s3?: HostS3Options
  /** Listen on all interfaces (reachable from the network); loopback only when false. */
  bindAll: boolean
  /** Optional access token clients must present; empty or absent means none. */
  token?: string
  readOnly?: boolean
  /** Speak TLS with this app's certificate (created on first use in the app's data folder). */
  tls?: boolean
  /**
   * "Let browsers in": also serve a web page and HTTP API (docs/WEB.md) on this port (0 picks a free one) for
   * devices without Ferry, with the same token, read-only flag and TLS.
   */
  web?: { port: number }
}

/** The host form as it was last used to start hosting (kept in the app's data folder, token included). */
export interface HostSettings {
  /** As asked for: 0 means any free port. */
  port: number
  root: string
  bindAll: boolean
  tls: boolean
  readOnly: boolean
  /** Absent when hosting ran without a token. */
  token?: string
}

export interface HostedClient {
  id: string
  address: string
  connectedAt: number
  /** The idle timeout this client was assigned in its HELLO. */
  idleTimeoutMs: number
}

export interface HostStatus {
  running: boolean
  port: number | null
  /** What is shared: the folder's path, or s3://bucket/prefix. */
  root: string | null
  bindAll: boolean
  /** Addresses to give to others, as host:port. */
  addresses: string[]
  clients: HostedClient[]
  tls: boolean
  /** The certificate's SHA-256 fingerprint for comparing by eye: 16 groups of 4 hex digits in 4 lines. */
  fingerprint: string | null
  /** ferry://host:port?fp=... for a QR code: the first address and the fingerprint, never the token. */
  pairingLink: string | null
  /** Clients must present the access token. */
  tokenRequired: boolean
  readOnly: boolean
  /** The web page's addresses (http(s)://host:port/) while browsers are let in; absent otherwise. */
  webAddresses?: string[]
}

/** What the back end reports while it is not hosting (and what the UI shows before it has asked). */
export const STOPPED_HOST_STATUS: HostStatus = {
  running: false,
  port: null,
  root: null,
  bindAll: false,
  addresses: [],
  clients: [],
  tls: false,
  fingerprint: null,
  pairingLink: null,
  tokenRequired: false,
  readOnly: false,
}

export type HostEvent =
  | { type: 'status'; status: HostStatus }
  | { type: 'client-connected'; client: HostedClient }
  | { type: 'client-left'; clientId: string; reason: string }
  | {
      type: 'transfer'
      clientId: string
      direction: 'upload' | 'download'
      path: string
      state: 'started' | 'progress' | 'done' | 'failed'
      bytes: number
      total: number
      error?: ApiError
      /**
       * Present when the event sums up many small files one client moved back to back (a folder job), instead of
       * an event per file: how many settled so far and how many of those failed. path is then their common
       * folder ('' for the share root) and bytes (= total) what they add up to; state is 'progress' while more
       * keep coming and 'done' once the client has been quiet for a moment.
       */
      files?: { settled: number; failed: number }
    }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string; time: number }

// ---- Connecting to a server ------------------------------------------------------------------------------

export interface ConnectTarget {
  host: string
  port: number
  token?: string
  /** Speak TLS and pin the server's certificate (trust on first use; a changed one fails FINGERPRINT_MISMATCH). */
  tls?: boolean
  /**
   * The certificate fingerprint the user was given (a pairing link), any usual spelling. Implies TLS: only this
   * certificate is accepted, whatever was pinned before (else FINGERPRINT_MISMATCH), and it is pinned on success.
   */
  fingerprint?: string
}

/** A ferry://HOST:PORT?fp=HEX[&token=...] link, parsed and checked by the back end. */
export interface PairingLink {
  host: string
  port: number
  tls: true
  /** The expected certificate fingerprint, 'AB:CD:...'. */
  fingerprint: string
  /** Only when the person who passed the link on added one; hosts never put it in their links. */
  token?: string
}

/** A ferry:// link the operating system handed to the app (clicked in a browser, a chat, a QR scanner). */
export type PairingLinkEvent = { type: 'link'; link: PairingLink } | { type: 'invalid'; error: ApiError }

/** A server whose certificate this computer has pinned (TLS trust on first use, or a pairing link). */
export interface TrustedServer {
  /** 'host:port' ('[v6]:port' for IPv6). */
  server: string
  host: string
  port: number
  /** 'AB:CD:...' */
  fingerprint: string
  /** When this certificate was first pinned, ms since the epoch. */
  firstSeen: number
  /** When a connection last verified it. */
  lastSeen: number
}

export interface ConnectionInfo {
  host: string
  port: number
  serverName: string
  protocol: number
  /** The idle timeout the server assigned to this connection. */
  idleTimeoutMs: number
  readOnly: boolean
  tls: boolean
  /** The server certificate's verified SHA-256 fingerprint, 'AB:CD:...'; null in plaintext. */
  fingerprint: string | null
}

/**
 * The page's link to its back end (browser mode's WebSocket): 'lost' when it drops, 'restored' when it is back.
 * Until then live state on screen (transfers, hosting, connection) may be stale. Electron's IPC cannot drop while
 * the window lives, so there this stream stays silent.
 */
export interface BridgeEvent {
  state: 'lost' | 'restored'
}

export type ConnectionState =
  | { state: 'disconnected'; reason?: string }
  | { state: 'connecting'; host: string; port: number }
  | { state: 'connected'; info: ConnectionInfo }
  | { state: 'error'; error: ApiError }

export interface RemoteEntry {
  name: string
  /** Path relative to the share root, '/'-separated. */
  path: string
  type: 'file' | 'dir'
  size: number
  mtimeMs: number
}

// ---- Transfers ---------------------------------------------------------------------------------------------

/** A file picked or dropped in the renderer; relativePath keeps folder structure ('' parts for a plain file). */
export interface UploadItem {
  file: File
  /** e.g. 'photos/2024/a.jpg' for a file inside a dropped folder, or just 'a.jpg'. */
  relativePath: string
}

/** How a folder job treats a file that fails: by default it goes on and lists the failures at the end. */
export interface JobOptions {
  /** Stop the folder at its first failed file instead. */
  stopOnError?: boolean
}

export type TransferState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled'

export interface TransferInfo {
  id: string
  direction: 'upload' | 'download'
  name: string
  remotePath: string
  localPath: string | null
  state: TransferState
  bytes: number
  total: number
  /** Bytes per second, smoothed. */
  rate: number
  startedAt: number
  finishedAt: number | null
  error: ApiError | null
  /**
   * Set on a transfer that was moving (or waiting) when Ferry last closed and came back from the transfer list
   * as failed: Retry resumes it. Cleared once it is retried.
   */
  interrupted?: boolean
  /**
   * Present on a folder job (many files moved as one transfer): how many of its files settled each way.
   * total is 0 until the job knows it (a download learns it from the server's listing).
   */
  files?: TransferFileCounts
  /**
   * Browser mode: 'sending' while the page is still sending this upload's files to Ferry (state is 'running';
   * bytes, total and rate count what has arrived). The upload to the server then starts, from 0 bytes, and the
   * phase is gone. Kept on a transfer cancelled or failed while sending: nothing of it is on this computer to
   * retry, so it has to be dropped again.
   */
  phase?: 'sending'
}

export interface TransferFileCounts {
  done: number
  failed: number
  /** Already complete and verified (an earlier run, or an identical local file): nothing moved for them. */
  skipped: number
  total: number
}

/** One settled file of a folder job, as listTransferFiles reports it. */
export interface TransferFileInfo {
  /** Path inside the share, '/'-separated. */
  path: string
  size: number
  state: 'done' | 'failed' | 'skipped'
  error: ApiError | null
}

export interface TransferFilePage {
  files: TransferFileInfo[]
  /** How many files the job can list (every failure plus the most recently settled ones), not its file count. */
  total: number
}

export type TransferEvent = { type: 'update'; transfer: TransferInfo }

// ---- Performance test ------------------------------------------------------------------------------------

export interface PerfOptions {
  /** e.g. [1, 2, 4, 8, 16, 32, 64, 128, 256] */
  clientCounts: number[]
  /** Size of each request's file in bytes. */
  sizeBytes: number
  /** Requests per client count step (spread over the clients). */
  requests: number
  mix: 'get' | 'post' | 'mixed'
  /** 'local': a fresh server on 127.0.0.1 with a temp folder; 'connected': the server this window is connected to. */
  target: 'local' | 'connected'
}

export interface PerfPoint {
  clients: number
  requests: number
  errors: number
  timeouts: number
  meanMs: number
  p50Ms: number
  p95Ms: number
  p99Ms: number
  maxMs: number
  requestsPerSec: number
  mbPerSec: number
}

/**
 * The latency lines both perf charts draw (the app's and the CLI's latency.svg), with colours that keep their
 * contrast on a light and a dark background alike.
 */
export const PERF_SERIES = [
  { key: 'meanMs', name: 'mean', color: '#2563eb' },
  { key: 'p50Ms', name: 'p50', color: '#15803d' },
  { key: 'p99Ms', name: 'p99', color: '#dc2626' },
] as const

export type PerfEvent =
  | { type: 'progress'; runId: string; clients: number; done: number; total: number }
  | { type: 'point'; runId: string; point: PerfPoint }
  | { type: 'done'; runId: string; points: PerfPoint[] }
  | { type: 'failed'; runId: string; error: ApiError }

// ---- Nearby hosts (DNS-SD over mDNS) -------------------------------------------------------------------

/** A Ferry host that announced itself on the LAN (docs/DISCOVERY.md). */
export interface NearbyHost {
  /** Stable while listed: the announced instance name and the address it answered from. */
  id: string
  /** The server's name, as announced. */
  name: string
  /** The address the announcement came from (what to connect to) and the announced port. */
  host: string
  port: number
  protocol: number
  tls: boolean
  /**
   * The announced certificate fingerprint, 'AB:CD:...': a hint only. Connecting with it is checked like a pairing
   * link's: the server must present exactly this certificate, or the connection is refused.
   */
  fingerprint: string | null
  tokenRequired: boolean
}

/** Changes of the nearby list; 'remove' when a host said goodbye or its announcement's TTL ran out. */
export type NearbyEvent = { type: 'add' | 'update'; host: NearbyHost } | { type: 'remove'; id: string }

// ---- The bridge ------------------------------------------------------------------------------------------

export interface Api {
  getAppInfo(): Promise<IpcResult<AppInfo>>
  /** Opens a native folder picker where there is one; resolves null when cancelled or unavailable. */
  chooseFolder(purpose: 'share' | 'download'): Promise<IpcResult<string | null>>

  startHost(options: HostOptions): Promise<IpcResult<HostStatus>>
  stopHost(): Promise<IpcResult<HostStatus>>
  getHostStatus(): Promise<IpcResult<HostStatus>>
  /** The settings hosting last started with (saved when it starts), or null when there are none to restore. */
  getHostSettings(): Promise<IpcResult<HostSettings | null>>
  onHostEvent(listener: (event: HostEvent) => void): Unsubscribe

  connect(target: ConnectTarget): Promise<IpcResult<ConnectionInfo>>
  /**
   * Pins a server's certificate fingerprint, replacing an earlier pin: the user accepting a changed certificate
   * after comparing it with the host. The next connect with TLS then trusts it.
   */
  trustFingerprint(host: string, port: number, fingerprint: string): Promise<IpcResult<null>>
  disconnect(): Promise<IpcResult<null>>
  /** Checks a pasted ferry:// link; INVALID_ARGUMENT says what is wrong with it. */
  parsePairingLink(link: string): Promise<IpcResult<PairingLink>>
  /** The link the app was opened with before this page could listen, once; null when there is none. */
  takePairingLink(): Promise<IpcResult<PairingLink | null>>
  /** Links the operating system hands the running app. */
  onPairingLink(listener: (event: PairingLinkEvent) => void): Unsubscribe
  /** Every pinned server, most recently seen first. */
  listTrustedServers(): Promise<IpcResult<TrustedServer[]>>
  /** Removes a server's pin: the next TLS connection to it trusts on first use again. False if none was pinned. */
  forgetTrustedServer(host: string, port: number): Promise<IpcResult<boolean>>
  onConnectionEvent(listener: (event: ConnectionState) => void): Unsubscribe
  /** The window's connection now (a reloaded page starts from it instead of assuming 'disconnected'). */
  getConnectionState(): Promise<IpcResult<ConnectionState>>
  onBridgeEvent(listener: (event: BridgeEvent) => void): Unsubscribe
  listRemote(path: string): Promise<IpcResult<RemoteEntry[]>>
  makeRemoteFolder(path: string): Promise<IpcResult<RemoteEntry>>
  renameRemote(from: string, to: string): Promise<IpcResult<RemoteEntry>>
  deleteRemote(path: string, recursive: boolean): Promise<IpcResult<null>>

  /**
   * Queues uploads into remoteDir; resolves with the transfer ids once queued, not when finished. Items under
   * the same top folder of their relativePath ('photos/...') are one folder job; other items one job each. In
   * browser mode the jobs exist at once, in the 'sending' phase while the page sends their bytes to Ferry.
   */
  uploadFiles(items: UploadItem[], remoteDir: string, options?: JobOptions): Promise<IpcResult<string[]>>
  /**
   * Queues downloads of files or folders into localDir on the machine running Ferry's back end: one transfer
   * per item, a folder being one job that moves all its files. Resolves with the transfer ids once queued.
   */
  download(remotePaths: string[], localDir: string, options?: JobOptions): Promise<IpcResult<string[]>>
  cancelTransfer(id: string): Promise<IpcResult<null>>
  /**
   * Restarts a failed or cancelled transfer, resuming from the bytes already moved; a folder job resumes as a
   * whole, its files already done are not moved again.
   */
  retryTransfer(id: string): Promise<IpcResult<null>>
  listTransfers(): Promise<IpcResult<TransferInfo[]>>
  /**
   * The settled files of a folder job, a page at a time: every failed file first (with its error), then the
   * most recently settled ones, newest first. The back end keeps only the latest few hundred of those, so a job
   * of any size costs the same memory; the job's TransferInfo.files has the full counts.
   */
  listTransferFiles(id: string, offset: number, limit: number): Promise<IpcResult<TransferFilePage>>
  /**
   * Forgets every finished, failed and cancelled transfer, also in the saved transfer list (interrupted ones can
   * then no longer be resumed from the list). Resolves with how many were removed.
   */
  clearFinishedTransfers(): Promise<IpcResult<number>>
  onTransferEvent(listener: (event: TransferEvent) => void): Unsubscribe

  startPerf(options: PerfOptions): Promise<IpcResult<string>>
  cancelPerf(): Promise<IpcResult<null>>
  onPerfEvent(listener: (event: PerfEvent) => void): Unsubscribe

  /** Starts listening for Ferry hosts on the LAN (once; later calls keep listening) and lists those heard so far. */
  browseNearby(): Promise<IpcResult<NearbyHost[]>>
  /** Stops listening; the list is forgotten. */
  stopBrowsingNearby(): Promise<IpcResult<null>>
  onNearbyEvent(listener: (event: NearbyEvent) => void): Unsubscribe
  /**
   * Whether this computer's server is announced on the LAN while it hosts with network access (on unless switched
   * off; never while hosting on loopback only). Resolves whether it is announced now.
   */
  setHostAnnounce(enabled: boolean): Promise<IpcResult<boolean>>
}

/** How the renderer finds the bridge: preload (Electron) or the browser-mode client sets window.ferry. */
declare global {
  interface Window {
    ferry?: Api
  }
}
