// The app's TLS state, kept in one data folder (Electron's userData, browser mode's dataDir): the host's TLS
// identity and the client's trust-on-first-use store of pinned fingerprints (the same files the CLI uses). Every
// connection the services open goes through connector(), so the window's connection, the transfer pool and the
// perf test all speak TLS with the same pin policy, and a TLS target never falls back to plaintext.
import { join } from 'node:path'
import type { ConnectTarget } from '../../preload/api'
import { loadOrCreateTlsIdentity, type TlsIdentity } from '../security/tls-identity'
import type { PinPolicy } from '../security/tls-options'
import { TRUST_STORE_FILE, TrustStore } from '../security/trust-store'
import type { Backends, RemoteClient } from './backends'

/**
 * A server as the services know it: what the renderer asked for, plus the fingerprint the window's verified
 * connection saw. Later connections to it (transfers, perf) pin exactly that fingerprint.
 */
export interface ServerTarget extends ConnectTarget {
  fingerprint?: string
}

export interface Connector {
  connect(target: ServerTarget & { signal?: AbortSignal }): Promise<RemoteClient>
}

export class SecureAccess {
  private store: Promise<TrustStore> | null = null

  constructor(readonly dataDir: string) {}

  /** The host's certificate and key, created on first use. */
  identity(): Promise<TlsIdentity> {
    return loadOrCreateTlsIdentity(this.dataDir)
  }

  trustStore(): Promise<TrustStore> {
    if (!this.store) {
      const opening = TrustStore.open(join(this.dataDir, TRUST_STORE_FILE))
      // A failed open (a damaged file) is not remembered: the next attempt reads the file again.
      opening.catch(() => {
        if (this.store === opening) this.store = null
      })
      this.store = opening
    }
    return this.store
  }

  /** Replaces the pin of host:port: the user accepted a changed certificate after comparing it. */
  async pin(host: string, port: number, fingerprint: string): Promise<null> {
    await (await this.trustStore()).pin(host, port, fingerprint)
    return null
  }

  connector(backends: Pick<Backends, 'connect'>): Connector {
    return {
      connect: async ({ host, port, token, tls, fingerprint, signal }) => {
        const pin = tls ? await this.pinPolicy(fingerprint) : undefined
        return backends.connect({
          host,
          port,
          ...(token ? { token } : {}),
          ...(signal ? { signal } : {}),
          ...(pin ? { tls: pin } : {}),
        })
      },
    }
  }

  /** An already verified fingerprint is pinned as is; otherwise trust on first use from the store. */
  private async pinPolicy(fingerprint: string | undefined): Promise<PinPolicy> {
    return fingerprint ? { fingerprint } : { store: await this.trustStore() }
  }
}
