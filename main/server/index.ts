export { FerryServer, DEFAULT_MAX_CONNECTIONS, DEFAULT_GRACE_MS, type ServerOptions } from './ferry-server'
export { FileHashCache } from '../store/local/file-hash-cache'
export type { ServerEvents, ClientInfo, TransferEvent, LogEvent } from './events'
