// The Connect view's "Nearby" list: Ferry hosts that announce themselves on the LAN, kept live from the back
// end's nearby events while the view is open. Picking one fills the connect form; its announced fingerprint goes
// in as the certificate to require, so the TLS connection checks it exactly as a pairing link's.
import type { NearbyEvent, NearbyHost } from '../../../preload/api'
import { call } from '../lib/api'
import type { SliceCreator } from './types'

export interface NearbySlice {
  nearbyHosts: NearbyHost[]
  /** The nearby host last picked into the form (to say where its required certificate came from). */
  nearbyPicked: NearbyHost | null
  startNearby(): Promise<void>
  stopNearby(): Promise<void>
  applyNearbyEvent(event: NearbyEvent): void
  pickNearby(host: NearbyHost): void
  /** Whether this computer's server should announce itself on the LAN (with network access); on by default. */
  lanAnnounce: boolean
  /** Whether it is announced now, as the back end last said (null: not asked yet). */
  lanAnnounced: boolean | null
  setLanAnnounce(enabled: boolean): Promise<void>
  /** Tells the back end the remembered choice again (it forgets it on restart) and learns whether it announces. */
  syncLanAnnounce(): Promise<void>
}

export const createNearbySlice: SliceCreator<NearbySlice> = (api) => (set, get) => ({
  nearbyHosts: [],
  nearbyPicked: null,
  lanAnnounce: true,
  lanAnnounced: null,
  setLanAnnounce: async (enabled) => {
    const previous = get().lanAnnounce
    set({ lanAnnounce: enabled })
    const result = await call(api.setHostAnnounce(enabled))
    if (result.ok) {
      set({ lanAnnounced: result.value })
      return
    }
    set({ lanAnnounce: previous })
    get().notifyError(result.error, enabled ? 'Could not announce the host' : 'Could not stop announcing')
  },
  syncLanAnnounce: () => get().setLanAnnounce(get().lanAnnounce),
  startNearby: async () => {
    const result = await call(api.browseNearby())
    if (!result.ok) return get().notifyError(result.error, 'Could not look for nearby hosts')
    // Events may have arrived meanwhile: keep those, add what the call listed.
    const known = new Set(get().nearbyHosts.map((h) => h.id))
    set({ nearbyHosts: [...get().nearbyHosts, ...result.value.filter((h) => !known.has(h.id))] })
  },
  stopNearby: async () => {
    set({ nearbyHosts: [] })
    await call(api.stopBrowsingNearby())
  },
  applyNearbyEvent: (event) => {
    const rest = get().nearbyHosts.filter(
      (h) => h.id !== (event.type === 'remove' ? event.id : event.host.id),
    )
    set({ nearbyHosts: event.type === 'remove' ? rest : [...rest, event.host] })
  },
  pickNearby: (host) => {
    get().setConnectForm({
      connectHost: host.host,
      connectPort: String(host.port),
      connectTls: host.tls,
      connectFingerprint: host.tls ? host.fingerprint : null,
      // The form's old token was for the form's old server.
      connectToken: '',
    })
    set({ nearbyPicked: host })
  },
})
