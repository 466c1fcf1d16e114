// One store from typed slices. createFerryStore makes a fresh, independent store (one per window, one per test);
// components read it through useFerry (one value per selector; useShallow for objects).
import { createStore, type StoreApi } from 'zustand/vanilla'
import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware'
import type { Api } from '../lib/api'
import { createAppSlice } from './app-slice'
import { createHostSlice } from './host-slice'
import { createConnectionSlice } from './connection-slice'
import { createBrowseSlice } from './browse-slice'
import { createTransfersSlice } from './transfers-slice'
import { createPerfSlice } from './perf-slice'
import { createPairingSlice } from './pairing-slice'
import { createNearbySlice } from './nearby-slice'
import type { FerryState } from './types'

export type { FerryState } from './types'
export type FerryStore = StoreApi<FerryState>

export const PERSIST_KEY = 'ferry.ui'

export interface StoreOptions {
  /** Where remembered settings live; localStorage by default. */
  storage?: StateStorage
}

export function createFerryStore(api: Api, options: StoreOptions = {}): FerryStore {
  return createStore<FerryState>()(
    persist(
      (...a) => ({
        ...createAppSlice(api)(...a),
        ...createHostSlice(api)(...a),
        ...createConnectionSlice(api)(...a),
        ...createPairingSlice(api)(...a),
        ...createNearbySlice(api)(...a),
        ...createBrowseSlice(api)(...a),
        ...createTransfersSlice(api)(...a),
        ...createPerfSlice(api)(...a),
      }),
      {
        name: PERSIST_KEY,
        version: 1,
        storage: createJSONStorage(() => options.storage ?? localStorage),
        // Only preferences are remembered; connection and transfer state always come from the back end, and so
        // does the host form (saved in the app's data folder with its token when hosting starts).
        partialize: (s) => ({
          recentServers: s.recentServers,
          connectHost: s.connectHost,
          connectPort: s.connectPort,
          connectTls: s.connectTls,
          perfOptions: s.perfOptions,
          downloadDir: s.downloadDir,
          lanAnnounce: s.lanAnnounce,
        }),
      },
    ),
  )
}
