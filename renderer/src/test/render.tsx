// Renders UI against a fresh store and FakeApi, the way main.tsx wires the real thing.
import { render, waitFor, type RenderResult } from '@testing-library/react'
import type { ReactElement } from 'react'
import { createFerryStore, type FerryStore } from '../store'
import { bindApiEvents } from '../store/bind-api'
import { StoreProvider } from '../store/context'
import { FakeApi } from './fake-api'

export interface Rendered extends RenderResult {
  api: FakeApi
  store: FerryStore
  unbind: () => void
}

export function renderWithStore(
  ui: ReactElement,
  api = new FakeApi(),
  store = createFerryStore(api),
): Rendered {
  // Interval 0: events still go through the batcher, but tests need not wait 100 ms for each render.
  const unbind = bindApiEvents(store, api, 0)
  const result = render(<StoreProvider store={store}>{ui}</StoreProvider>)
  return { ...result, api, store, unbind }
}

/** A store already connected to the fake server, with the root listing loaded. */
export async function connectedStore(api: FakeApi): Promise<FerryStore> {
  const store = createFerryStore(api)
  await store.getState().connect({ host: '127.0.0.1', port: 7420 })
  // Connecting lists the root on its own; wait for that listing rather than asking again.
  await waitFor(() => {
    if (store.getState().listing !== 'ready') throw new Error('root listing not loaded yet')
  })
  return store
}
