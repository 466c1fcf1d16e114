// LocalStore's namespace changes: mkdir, delete, rename.
import { FerryError } from '../../protocol/error-codes'
import type { LocalContext } from './local-context'

const todo = (what: string): Promise<never> =>
  Promise.reject(new FerryError('INTERNAL', `LocalStore.${what} is not wired yet`))

export function mkdir(_ctx: LocalContext, _path: string, _options?: { parents?: boolean }): Promise<void> {
  return todo('mkdir')
}
export function remove(_ctx: LocalContext, _path: string, _options?: { recursive?: boolean }): Promise<void> {
  return todo('delete')
}
export function rename(
  _ctx: LocalContext,
  _from: string,
  _to: string,
  _options?: { mode?: 'fail' | 'overwrite' },
): Promise<void> {
  return todo('rename')
}
