import { createContext, useContext, type ReactNode } from 'react'
import { useStore } from 'zustand'
import type { FerryState, FerryStore } from './index'

const StoreContext = createContext<FerryStore | null>(null)

export function StoreProvider({ store, children }: { store: FerryStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>
}

export function useFerryStore(): FerryStore {
  const store = useContext(StoreContext)
  if (!store) throw new Error('useFerry must be used inside <StoreProvider>')
  return store
}

/** Select one value at a time; wrap object-returning selectors in useShallow. */
export function useFerry<T>(selector: (state: FerryState) => T): T {
  return useStore(useFerryStore(), selector)
}
