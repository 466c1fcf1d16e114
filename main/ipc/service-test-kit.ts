// Test helpers for FerryService: real temp folders, waiting for real events (no timers).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach } from 'vitest'
import type {
  ApiError,
  HostOptions,
  HostStatus,
  IpcResult,
  TransferInfo,
  TransferState,
} from '../../preload/api'
import { realBackends } from './backends'
import type { EventName } from './channels'
import type { FerryServiceOptions } from './ferry-service'
import { FerryService } from './ferry-service'
import type { ServiceEventMap, ServiceEvents } from './service-events'

export interface Kit {
  service: FerryService
  dir: string
  cleanup(): Promise<void>
}

export async function makeKit(options: Partial<FerryServiceOptions> = {}): Promise<Kit> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-ipc-'))
  // Its own data folder: the TLS identity and trusted fingerprints of one kit are not another's.
  const service = new FerryService({
    mode: 'browser',
    version: '9.9.9',
    backends: realBackends,
    dataDir: join(dir, 'data'),
    ...options,
  })
  return {
    service,
    dir,
    async cleanup() {
      await service.dispose()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Resolves with the first event of `name` that matches. Subscribe before triggering it. */
export function nextEvent<K extends EventName>(
  events: ServiceEvents,
  name: K,
  match: (payload: ServiceEventMap[K]) => boolean = () => true,
): Promise<ServiceEventMap[K]> {
  return new Promise((resolve) => {
    const off = events.on(name, (payload) => {
      if (!match(payload)) return
      off()
      resolve(payload)
    })
  })
}

const FINAL: TransferState[] = ['done', 'failed', 'cancelled']

/** Resolves once every transfer in ids has reached a final state; returns their last infos. */
export function settled(service: FerryService, ids: string[]): Promise<TransferInfo[]> {
  const byId = new Map<string, TransferInfo>()
  return new Promise((resolve) => {
    const check = () => {
      if (ids.every((id) => FINAL.includes(byId.get(id)?.state ?? 'queued'))) {
        off()
        resolve(ids.map((id) => byId.get(id) as TransferInfo))
      }
    }
    const off = service.events.on('transfer', ({ transfer }) => {
      if (!ids.includes(transfer.id)) return
      byId.set(transfer.id, transfer)
      check()
    })
    for (const info of service.transfers.list()) if (ids.includes(info.id)) byId.set(info.id, info)
    check()
  })
}

export function value<T>(result: IpcResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`)
  return result.value
}

export function failure(result: IpcResult<unknown>): ApiError {
  if (result.ok) throw new Error('expected a failure')
  return result.error
}

/** Starts hosting `<kit>/share` on 127.0.0.1, port 0. */
export async function hostShare(k: Kit, options: Partial<HostOptions> = {}): Promise<HostStatus> {
  const root = join(k.dir, 'share')
  return value(
    await k.service.handlers.startHost({ port: 0, root, bindAll: false, ...options }),
  ) as HostStatus
}

/** Registers hooks so that every kit made through the returned function is cleaned up after each test. */
export function kitsPerTest(): (options?: Partial<FerryServiceOptions>) => Promise<Kit> {
  const kits: Kit[] = []
  beforeEach(() => {
    kits.length = 0
  })
  afterEach(async () => {
    // Every service stops (and saves its state) before any folder goes: one kit's data folder may sit inside
    // another kit's folder, as when a test "restarts" the app on the same data.
    await Promise.all(kits.map((k) => k.service.dispose()))
    await Promise.all(kits.map((k) => k.cleanup()))
  })
  return async (options) => {
    const made = await makeKit(options)
    kits.push(made)
    return made
  }
}
