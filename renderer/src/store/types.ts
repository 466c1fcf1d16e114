// The shape of the one Ferry store, built from typed slices (see the *-slice.ts files).
import type { StateCreator } from 'zustand'
import type { Api } from '../lib/api'
import type { AppSlice } from './app-slice'
import type { HostSlice } from './host-slice'
import type { ConnectionSlice } from './connection-slice'
import type { BrowseSlice } from './browse-slice'
import type { TransfersSlice } from './transfers-slice'
import type { PerfSlice } from './perf-slice'
import type { PairingSlice } from './pairing-slice'
import type { NearbySlice } from './nearby-slice'

export type FerryState = AppSlice &
  HostSlice &
  ConnectionSlice &
  PairingSlice &
  NearbySlice &
  BrowseSlice &
  TransfersSlice &
  PerfSlice

/** A slice creator closes over the Api so tests can hand in a FakeApi. */
export type SliceCreator<T> = (api: Api) => StateCreator<FerryState, [['zustand/persist', unknown]], [], T>
