// The small emitter between the back-end services and the transports (Electron IPC, browser-mode WebSocket):
// services emit typed events here, transports subscribe and forward them to the renderer.
import type {
  ConnectionState,
  HostEvent,
  NearbyEvent,
  PairingLinkEvent,
  PerfEvent,
  TransferEvent,
  Unsubscribe,
} from '../../preload/api'
import type { EventName } from './channels'

export interface ServiceEventMap {
  host: HostEvent
  connection: ConnectionState
  transfer: TransferEvent
  perf: PerfEvent
  pairing: PairingLinkEvent
  nearby: NearbyEvent
}

type Listener<K extends EventName> = (payload: ServiceEventMap[K]) => void

export class ServiceEvents {
  private readonly listeners: { [K in EventName]: Set<Listener<K>> } = {
    host: new Set(),
    connection: new Set(),
    transfer: new Set(),
    perf: new Set(),
    pairing: new Set(),
    nearby: new Set(),
  }

  on<K extends EventName>(name: K, listener: Listener<K>): Unsubscribe {
    const set = this.listeners[name] as Set<Listener<K>>
    set.add(listener)
    return () => {
      set.delete(listener)
    }
  }

  /** Subscribes to every stream at once: what a transport does. */
  onAny(listener: <K extends EventName>(name: K, payload: ServiceEventMap[K]) => void): Unsubscribe {
    const offs = (Object.keys(this.listeners) as EventName[]).map((name) =>
      this.on(name, (payload) => listener(name, payload)),
    )
    return () => offs.forEach((off) => off())
  }

  emit<K extends EventName>(name: K, payload: ServiceEventMap[K]): void {
    for (const listener of [...(this.listeners[name] as Set<Listener<K>>)]) {
      // A broken subscriber (a window gone mid-send) must not stop the service that emits.
      try {
        listener(payload)
      } catch (err: unknown) {
        console.error(`ferry: ${name} listener failed:`, err instanceof Error ? err.message : err)
      }
    }
  }
}
