// Feeds the back end's pushed events into the store. Transfer and host-activity progress are coalesced so a
// large transfer costs a few renders a second, not one per progress tick.
import type { HostEvent, PerfEvent, TransferInfo, Unsubscribe } from '../../../preload/api'
import type { Api } from '../lib/api'
import { createBatcher } from '../lib/batcher'
import { activityKey } from './host-slice'
import type { FerryStore } from './index'

let hostEventSeq = 0
/** About one animation frame. */
const FRAME_MS = 16

export function bindApiEvents(store: FerryStore, api: Api, intervalMs = 100): Unsubscribe {
  const transfers = createBatcher<TransferInfo>(
    (items) => store.getState().applyTransferUpdates(items),
    intervalMs,
  )
  const host = createBatcher<HostEvent>((items) => store.getState().applyHostEvents(items), intervalMs)
  const perf = createBatcher<PerfEvent>((items) => store.getState().applyPerfEvents(items), intervalMs)

  const unsubscribers = [
    api.onTransferEvent((e) => {
      // A finished transfer is delivered within a frame, with anything pending, so the end state is never late;
      // a burst of endings (many small jobs) still makes one render, not one each.
      transfers.push(e.transfer.id, e.transfer)
      // So is a transfer the list does not show yet (a drop shows its row at once).
      const isNew = store.getState().transfers[e.transfer.id] === undefined
      if (isNew || (e.transfer.state !== 'running' && e.transfer.state !== 'queued'))
        transfers.flushWithin(FRAME_MS)
    }),
    api.onHostEvent((e) => {
      // Only progress of the same transfer (or run of small files) may replace an older event; everything else
      // is kept in order.
      const key =
        e.type === 'transfer' && e.state === 'progress' ? `t:${activityKey(e)}` : `e:${hostEventSeq++}`
      host.push(key, e)
      // Within a frame, not at once: several clients' transfers may end together.
      if (e.type !== 'transfer' || e.state !== 'progress') host.flushWithin(FRAME_MS)
    }),
    api.onConnectionEvent((state) => store.getState().applyConnectionState(state)),
    api.onPairingLink((event) => store.getState().receivePairingLink(event)),
    api.onNearbyEvent((event) => store.getState().applyNearbyEvent(event)),
    api.onBridgeEvent((event) => {
      const s = store.getState()
      if (event.state === 'lost') return s.setBridge('lost')
      // Back: what happened meanwhile is read again rather than trusted from before.
      s.setBridge('ok')
      void s.refreshHostStatus()
      void s.loadTransfers()
      void s.loadConnectionState()
    }),
    api.onPerfEvent((e) => {
      perf.push(e.type === 'progress' ? 'progress' : `e:${hostEventSeq++}`, e)
      if (e.type !== 'progress') perf.flush()
    }),
  ]

  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe()
    transfers.dispose()
    host.dispose()
    perf.dispose()
  }
}

/** Binds the event streams and loads the initial state; returns the function that unbinds. */
export function initStore(store: FerryStore, api: Api): Unsubscribe {
  const unbind = bindApiEvents(store, api)
  const s = store.getState()
  void s.loadAppInfo()
  void s.loadHostSettings()
  void s.refreshHostStatus()
  void s.loadTrustedServers()
  void s.loadLaunchPairingLink()
  void s.loadTransfers()
  void s.loadConnectionState()
  return unbind
}
