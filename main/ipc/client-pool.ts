// A few reusable FerryClients per server for the transfer queue: requests on one client are serialized, so
// parallel transfers need one connection each, and reusing them saves a handshake per small file.
import type { RemoteClient } from './backends'
import type { Connector, ServerTarget } from './secure-access'

function keyOf(target: ServerTarget): string {
  return JSON.stringify([
    target.host,
    target.port,
    target.token ?? '',
    target.tls === true,
    target.fingerprint ?? '',
  ])
}

export class ClientPool {
  private readonly idle = new Map<string, RemoteClient[]>()

  constructor(private readonly backends: Connector) {}

  async acquire(target: ServerTarget, signal: AbortSignal): Promise<RemoteClient> {
    const list = this.idle.get(keyOf(target))
    while (list && list.length > 0) {
      const client = list.pop()
      if (client && !client.closed) return client
    }
    return this.backends.connect({ ...target, signal })
  }

  /** Returns a healthy client for reuse; one that saw a failure is closed, its state is unknown. */
  release(target: ServerTarget, client: RemoteClient, healthy: boolean): void {
    if (!healthy || client.closed) {
      void closeQuietly(client)
      return
    }
    const key = keyOf(target)
    const list = this.idle.get(key) ?? []
    list.push(client)
    this.idle.set(key, list)
  }

  /** Closes every idle client (the queue ran dry, or the app is quitting). */
  async drain(): Promise<void> {
    const all = [...this.idle.values()].flat()
    this.idle.clear()
    await Promise.all(all.map(closeQuietly))
  }
}

async function closeQuietly(client: RemoteClient): Promise<void> {
  try {
    await client.close()
  } catch {
    // Closing is best effort: the socket may already be gone, and there is nobody left to tell.
  }
}
