// The Ferry protocol client (see docs/PROTOCOL.md).
export {
  FerryClient,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_RETRIES,
  type ConnectOptions,
  type TransferOptions,
  type Progress,
  type TransferResult,
} from './ferry-client'
export { PART_SUFFIX } from './download'
export type { ConnectParams, RemoteFileOps } from './remote-api'
export { ProgressMeter, DEFAULT_PROGRESS_INTERVAL_MS } from './progress'
export { sha256File } from './hash-file'
