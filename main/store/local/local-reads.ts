// LocalStore's reads: check, list, stat, read (with the small-file and whole-file hash caches).
import { FerryError } from '../../protocol/error-codes'
import type { ReadRange, StoreEntry, StoreRead, StoreStat } from '../share-store'
import type { LocalContext } from './local-context'

const todo = (what: string): Promise<never> =>
  Promise.reject(new FerryError('INTERNAL', `LocalStore.${what} is not wired yet`))

export function check(_ctx: LocalContext): Promise<void> {
  return Promise.resolve()
}
export function list(_ctx: LocalContext, _path: string): Promise<StoreEntry[]> {
  return todo('list')
}
export function stat(_ctx: LocalContext, _path: string): Promise<StoreStat> {
  return todo('stat')
}
export function read(_ctx: LocalContext, _path: string, _range?: ReadRange): Promise<StoreRead> {
  return todo('read')
}
