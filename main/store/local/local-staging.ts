// LocalStore's staged writes (.ferry/partial, .ferry/tmp), usage and sweep.
import { FerryError } from '../../protocol/error-codes'
import type { StageOptions, StagedWrite, SweepResult } from '../share-store'
import type { LocalContext } from './local-context'

const todo = (what: string): Promise<never> =>
  Promise.reject(new FerryError('INTERNAL', `LocalStore.${what} is not wired yet`))

export function stage(_ctx: LocalContext, _path: string, _options: StageOptions): Promise<StagedWrite> {
  return todo('stage')
}
export function usage(_ctx: LocalContext): Promise<number> {
  return todo('usage')
}
export function sweep(_ctx: LocalContext, _olderThanMs: number): Promise<SweepResult> {
  return todo('sweep')
}
