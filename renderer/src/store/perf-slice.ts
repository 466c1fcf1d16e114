import type { ApiError, PerfEvent, PerfOptions, PerfPoint } from '../../../preload/api'
import { call } from '../lib/api'
import type { SliceCreator } from './types'

export const CLIENT_COUNT_CHOICES = [1, 2, 4, 8, 16, 32, 64, 128, 256] as const

export type PerfRunState = 'idle' | 'running' | 'done' | 'failed' | 'cancelled'

export interface PerfProgress {
  clients: number
  done: number
  total: number
}

export interface PerfSlice {
  perfOptions: PerfOptions
  perfRunId: string | null
  perfState: PerfRunState
  perfProgress: PerfProgress | null
  perfPoints: PerfPoint[]
  perfError: ApiError | null
  setPerfOptions(patch: Partial<PerfOptions>): void
  toggleClientCount(count: number): void
  startPerf(): Promise<void>
  cancelPerf(): Promise<void>
  applyPerfEvents(events: PerfEvent[]): void
}

export const createPerfSlice: SliceCreator<PerfSlice> = (api) => (set, get) => ({
  perfOptions: {
    clientCounts: [1, 2, 4, 8],
    sizeBytes: 64 * 1024,
    requests: 200,
    mix: 'get',
    target: 'local',
  },
  perfRunId: null,
  perfState: 'idle',
  perfProgress: null,
  perfPoints: [],
  perfError: null,
  setPerfOptions: (patch) => set((s) => ({ perfOptions: { ...s.perfOptions, ...patch } })),
  toggleClientCount: (count) =>
    set((s) => {
      const current = s.perfOptions.clientCounts
      const clientCounts = current.includes(count)
        ? current.filter((c) => c !== count)
        : [...current, count].sort((a, b) => a - b)
      return { perfOptions: { ...s.perfOptions, clientCounts } }
    }),
  startPerf: async () => {
    const options = get().perfOptions
    if (options.clientCounts.length === 0) return get().notify('error', 'Pick at least one client count.')
    if (!(options.requests >= 1)) return get().notify('error', 'Requests must be at least 1.')
    if (!(options.sizeBytes >= 0)) return get().notify('error', 'Request size cannot be negative.')
    if (options.target === 'connected' && get().connection.state !== 'connected')
      return get().notify('error', 'Connect to a server first, or test against a local server.')
    set({ perfState: 'running', perfRunId: null, perfPoints: [], perfProgress: null, perfError: null })
    const result = await call(api.startPerf(options))
    if (!result.ok) {
      set({ perfState: 'failed', perfError: result.error })
      return
    }
    // Events may have finished the run before this resolved; only record the id.
    set({ perfRunId: result.value })
  },
  cancelPerf: async () => {
    const result = await call(api.cancelPerf())
    if (!result.ok) return get().notifyError(result.error, 'Could not cancel the test')
    if (get().perfState === 'running') set({ perfState: 'cancelled', perfProgress: null })
  },
  applyPerfEvents: (events) => {
    for (const e of events) {
      const { perfRunId, perfState } = get()
      if (perfRunId !== null && e.runId !== perfRunId) continue
      if (perfState !== 'running') continue
      switch (e.type) {
        case 'progress':
          set({ perfProgress: { clients: e.clients, done: e.done, total: e.total } })
          break
        case 'point':
          set((s) => ({
            perfPoints: [...s.perfPoints.filter((p) => p.clients !== e.point.clients), e.point].sort(
              (a, b) => a.clients - b.clients,
            ),
          }))
          break
        case 'done':
          set({
            perfState: 'done',
            perfPoints: [...e.points].sort((a, b) => a.clients - b.clients),
            perfProgress: null,
          })
          break
        case 'failed':
          set({
            perfState: e.error.code === 'CANCELLED' ? 'cancelled' : 'failed',
            perfError: e.error,
            perfProgress: null,
          })
          break
      }
    }
  },
})
