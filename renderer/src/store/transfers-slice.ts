// The transfer list: one TransferInfo per job (a folder is one job, however many files it has). Updates arrive
// coalesced (bind-api.ts batches them per 100 ms) and are applied in one set() per batch.
import type { TransferFilePage, TransferInfo } from '../../../preload/api'
import { call } from '../lib/api'
import { affectsFolder } from './browse-slice'
import type { SliceCreator } from './types'

export interface TransfersSlice {
  transfers: Record<string, TransferInfo>
  /** Ids, newest first. */
  transferOrder: string[]
  loadTransfers(): Promise<void>
  applyTransferUpdates(updates: TransferInfo[]): void
  cancelTransfer(id: string): Promise<void>
  retryTransfer(id: string): Promise<void>
  /** A page of a folder job's settled files (failures first); null when it could not be had (a notice says why). */
  loadTransferFiles(id: string, offset: number, limit: number): Promise<TransferFilePage | null>
  /** Removes finished, failed and cancelled transfers here and in the back end (and its saved list). */
  clearFinished(): Promise<void>
}

export function isActive(t: TransferInfo): boolean {
  return t.state === 'queued' || t.state === 'running'
}

export const createTransfersSlice: SliceCreator<TransfersSlice> = (api) => (set, get) => ({
  transfers: {},
  transferOrder: [],
  loadTransfers: async () => {
    const result = await call(api.listTransfers())
    if (!result.ok) return get().notifyError(result.error, 'Could not list transfers')
    get().applyTransferUpdates(result.value)
  },
  applyTransferUpdates: (updates) => {
    if (updates.length === 0) return
    const before = get().transfers
    const cwd = get().cwd
    let refreshNeeded = false
    const transfers = { ...before }
    const added: string[] = []
    for (const t of updates) {
      const previous = before[t.id]
      if (!previous) added.push(t.id)
      transfers[t.id] = t
      // A folder upload that stops for any reason has put some files in place: the listing shows them too.
      const landed = t.state === 'done' || (t.files !== undefined && !isActive(t))
      if (t.direction === 'upload' && landed && (previous === undefined || isActive(previous))) {
        if (affectsFolder(t.remotePath, cwd)) refreshNeeded = true
      }
    }
    added.sort((a, b) => (transfers[b]?.startedAt ?? 0) - (transfers[a]?.startedAt ?? 0))
    set((s) => ({
      transfers,
      transferOrder: added.length ? [...added, ...s.transferOrder] : s.transferOrder,
    }))
    if (refreshNeeded && get().connection.state === 'connected') void get().refresh()
  },
  cancelTransfer: async (id) => {
    const result = await call(api.cancelTransfer(id))
    if (!result.ok) get().notifyError(result.error, 'Could not cancel')
  },
  retryTransfer: async (id) => {
    const result = await call(api.retryTransfer(id))
    if (!result.ok) get().notifyError(result.error, 'Could not retry')
  },
  loadTransferFiles: async (id, offset, limit) => {
    const result = await call(api.listTransferFiles(id, offset, limit))
    if (result.ok) return result.value
    // The job may have been cleared meanwhile: nothing to list is no news.
    if (result.error.code !== 'NOT_FOUND') get().notifyError(result.error, 'Could not list the files')
    return null
  },
  clearFinished: async () => {
    const result = await call(api.clearFinishedTransfers())
    if (!result.ok) return get().notifyError(result.error, 'Could not clear finished transfers')
    set((s) => {
      const keep = s.transferOrder.filter((id) => {
        const t = s.transfers[id]
        return t !== undefined && isActive(t)
      })
      return { transferOrder: keep, transfers: Object.fromEntries(keep.map((id) => [id, s.transfers[id]!])) }
    })
  },
})
