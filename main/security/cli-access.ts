// The command line's access options (--token, --tls, --fingerprint, --data-dir), turned into what FerryClient
// and FerryServer take. Kept here so the CLI files only pass them through.
import path from 'node:path'
import { FerryError } from '../protocol/error-codes'
import { defaultDataDir } from './data-dir'
import { displayFingerprint, parseFingerprint } from './fingerprint'
import { loadOrCreateTlsIdentity, type TlsIdentity } from './tls-identity'
import type { PinPolicy } from './tls-options'
import { TRUST_STORE_FILE, TrustStore } from './trust-store'

export interface AccessFlags {
  token?: string
  tls?: boolean
  fingerprint?: string
  dataDir?: string
}

/** Token from --token, else the FERRY_TOKEN environment variable (keeps it out of shell history and ps). */
export function tokenFrom(flags: AccessFlags, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return flags.token ?? (env['FERRY_TOKEN'] || undefined)
}

function dataDir(flags: AccessFlags): string {
  return flags.dataDir ? path.resolve(flags.dataDir) : defaultDataDir()
}

/**
 * The client side: an expected fingerprint when given (it implies TLS, and replaces the stored pin once it
 * matched), else trust on first use from the data folder's store when --tls is set, else plaintext. A first use
 * is reported so the user can compare.
 */
export async function clientTls(
  flags: AccessFlags,
  report: (line: string) => void,
  /** The fingerprint of a pairing link the address was given as: like --fingerprint. */
  linkFingerprint?: string,
): Promise<PinPolicy | undefined> {
  const expected = expectedFingerprint(flags.fingerprint, linkFingerprint)
  if (expected === undefined && !flags.tls) return undefined
  const store = await TrustStore.open(path.join(dataDir(flags), TRUST_STORE_FILE))
  // An explicit fingerprint is checked, then pinned: this is how a user accepts a host's new certificate.
  if (expected !== undefined) return { fingerprint: expected, store }
  return {
    store,
    onFirstUse: (fp) => {
      report(`first connection to this server: pinned its certificate, SHA-256\n${displayFingerprint(fp)}`)
      report('compare it with the fingerprint the server shows; a later change will be refused')
      return true
    },
  }
}

function expectedFingerprint(flag: string | undefined, link: string | undefined): string | undefined {
  const fromFlag = flag === undefined ? undefined : parseFingerprint(flag)
  const fromLink = link === undefined ? undefined : parseFingerprint(link)
  if (fromFlag && fromLink && fromFlag !== fromLink) {
    throw new FerryError('INVALID_ARGUMENT', "--fingerprint and the link's fp= name different certificates")
  }
  return fromFlag ?? fromLink
}

/** The server side: the identity from the data folder (created on first run) when --tls is set. */
export async function serverTls(flags: AccessFlags): Promise<TlsIdentity | undefined> {
  if (flags.fingerprint !== undefined) {
    throw new FerryError('INVALID_ARGUMENT', '--fingerprint is for clients; a server shows its own')
  }
  return flags.tls ? loadOrCreateTlsIdentity(dataDir(flags)) : undefined
}
