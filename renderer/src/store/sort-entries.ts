import type { RemoteEntry } from '../../../preload/api'

export type SortKey = 'name' | 'size' | 'date'
export type SortDir = 'asc' | 'desc'
export interface SortOrder {
  key: SortKey
  dir: SortDir
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

/** Folders first (as file managers do), then by the chosen column; ties fall back to the name. */
export function sortEntries(entries: readonly RemoteEntry[], order: SortOrder): RemoteEntry[] {
  const sign = order.dir === 'asc' ? 1 : -1
  const byKey = (a: RemoteEntry, b: RemoteEntry): number => {
    if (order.key === 'size') return a.size - b.size
    if (order.key === 'date') return a.mtimeMs - b.mtimeMs
    return 0
  }
  return [...entries].sort((a, b) => {
    if (a.type !== b.type) return a.type === 'dir' ? -1 : 1
    const primary = byKey(a, b)
    return sign * (primary !== 0 ? primary : collator.compare(a.name, b.name))
  })
}
