// Pairing and trust: ferry:// links (pasted into the Connect view, or handed to the app by the operating system)
// fill the connect form with the server and the certificate fingerprint to insist on; the trusted-servers list is
// the back end's trust store (shared with the CLI), with a way to forget a server.
import type { PairingLink, PairingLinkEvent, TrustedServer } from '../../../preload/api'
import { call } from '../lib/api'
import type { SliceCreator } from './types'

export interface PairingSlice {
  /** Pinned servers, most recently seen first, as the back end last reported them. */
  trustedServers: TrustedServer[]
  loadTrustedServers(): Promise<void>
  /** Removes a server's pin; its next TLS connection trusts on first use again. */
  forgetTrustedServer(host: string, port: number): Promise<boolean>
  /** Checks a pasted link with the back end and fills the connect form from it. */
  pastePairingLink(text: string): Promise<boolean>
  /** Fills the connect form from a checked link: TLS on, its fingerprint pinned, its token (or none). */
  applyPairingLink(link: PairingLink): void
  /** A link from the operating system: shown in the Connect view, never connected to without the user. */
  receivePairingLink(event: PairingLinkEvent): void
  /** The link the app was opened with, if any (asked once at start). */
  loadLaunchPairingLink(): Promise<void>
}

function serverName(link: PairingLink): string {
  return link.host.includes(':') ? `[${link.host}]:${link.port}` : `${link.host}:${link.port}`
}

export const createPairingSlice: SliceCreator<PairingSlice> = (api) => (set, get) => ({
  trustedServers: [],
  loadTrustedServers: async () => {
    const result = await call(api.listTrustedServers())
    if (!result.ok) return get().notifyError(result.error, 'Could not read the trusted servers')
    set({ trustedServers: result.value })
  },
  forgetTrustedServer: async (host, port) => {
    const result = await call(api.forgetTrustedServer(host, port))
    if (!result.ok) {
      get().notifyError(result.error, 'Could not forget the server')
      return false
    }
    await get().loadTrustedServers()
    return result.value
  },
  pastePairingLink: async (text) => {
    if (text.trim() === '') {
      get().notify('error', 'Paste the ferry:// link the host shows (under its QR code).')
      return false
    }
    const result = await call(api.parsePairingLink(text))
    if (!result.ok) {
      get().notifyError(result.error, 'Could not use the link')
      return false
    }
    get().applyPairingLink(result.value)
    return true
  },
  applyPairingLink: (link) =>
    get().setConnectForm({
      connectHost: link.host,
      connectPort: String(link.port),
      connectTls: true,
      connectFingerprint: link.fingerprint,
      // The form's old token was for the form's old server.
      connectToken: link.token ?? '',
    }),
  receivePairingLink: (event) => {
    if (event.type === 'invalid') {
      get().notifyError(event.error, 'Ferry was opened with a link it cannot use')
      return
    }
    get().applyPairingLink(event.link)
    get().setView('connect')
    get().notify('info', `Opened a link to ${serverName(event.link)}: check it, then Connect.`)
  },
  loadLaunchPairingLink: async () => {
    const result = await call(api.takePairingLink())
    if (!result.ok) return get().notifyError(result.error, 'Ferry was opened with a link it cannot use')
    if (result.value) get().receivePairingLink({ type: 'link', link: result.value })
  },
})
