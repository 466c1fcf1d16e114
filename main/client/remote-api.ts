// The parts of FerryClient that other layers restate in their own narrow seams (the CLI's RemoteClient, the IPC
// backends), derived from the class once so that no seam can drift from it. Types only: importing this file
// loads nothing (the CLI loads the client lazily).
import type { ConnectOptions, FerryClient } from './ferry-client'

/** What a caller passes to open a client: FerryClient.connect's options without the tuning knobs. */
export type ConnectParams = Pick<ConnectOptions, 'host' | 'port' | 'token' | 'signal' | 'tls'>

/** The remote file operations every user of a client needs, as FerryClient declares them. */
export type RemoteFileOps = Pick<FerryClient, 'list' | 'stat' | 'mkdir' | 'delete' | 'rename'>
