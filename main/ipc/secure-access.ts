// The app's TLS state, kept in one data folder (Electron's userData, browser mode's dataDir): the host's TLS
// identity and the client's trust-on-first-use store of pinned fingerprints (the same files the CLI uses). Every
// connection the services open goes through connector(), so the window's connection, the transfer pool and the
// perf test all speak TLS with the same pin policy, and a TLS target never falls back to plaintext.
import { join } from 'node:path'
import type { ConnectTarget, HostSettings, TrustedServer } from '../../preload/api'
import { hostSettingsFile, loadHostSettings, saveHostSettings } from '../security/host-settings'
import { loadOrCreateTlsIdentity, type TlsIdentity } from '../security/tls-identity'
import type { PinPolicy } from '../security/tls-options'
import { TRUST_STORE_FILE, TrustStore } from '../security/trust-store'
import type { Backends, RemoteClient } from './backends'

/**
 * A server as the services know it: what the renderer asked for, plus the fingerprint the window's verified
 * connection saw. Later connections to it (transfers, perf) pin exactly that fingerprint.
 */
export interface ServerTarget extends ConnectTarget {
  /** Pin exactly this certificate: the user's expected one, or the one the window's connection verified. */
  fingerprint?: string
  /** Also store the pin in the trust store once it matched (the user gave the fingerprint, e.g. by a link). */
  remember?: boolean
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

  /** Pinned servers as the trust store file holds them now (the CLI shares it). */
  async trustedServers(): Promise<TrustedServer[]> {
    const pins = await (await this.trustStore()).fresh()
    return pins.map(({ server, host, port, fingerprint, firstSeen, lastSeen }) => ({
      server,
      host,
      port,
      fingerprint,
      firstSeen,
      lastSeen,
    }))
  }

  /** Drops a server's pin; its next TLS connection is a first use again. */
  async forget(host: string, port: number): Promise<boolean> {
    return (await this.trustStore()).forget(host, port)
  }

  /** The host form last used to start hosting; null when none was saved or the file is not usable. */
  hostSettings(warn?: (message: string) => void): Promise<HostSettings | null> {
    return loadHostSettings(hostSettingsFile(this.dataDir), warn)
  }

  saveHostSettings(settings: HostSettings): Promise<void> {
    return saveHostSettings(hostSettingsFile(this.dataDir), settings)
  }

  connector(backends: Pick<Backends, 'connect'>): Connector {
    return {
      connect: async ({ host, port, token, tls, fingerprint, remember, signal }) => {
        const pin = tls || fingerprint ? await this.pinPolicy(fingerprint, remember === true) : undefined
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

  /**
   * A given fingerprint is required as is (and stored once it matched when `remember`); otherwise trust on first
   * use from the store. Transfers pin the window's verified fingerprint without rewriting the store each time.
   */
  private async pinPolicy(fingerprint: string | undefined, remember: boolean): Promise<PinPolicy> {
    if (!fingerprint) return { store: await this.trustStore() }
    return remember ? { fingerprint, store: await this.trustStore() } : { fingerprint }
  }
}
