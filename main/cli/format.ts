// Human formats for sizes, durations, rates and listings. Decimal units throughout so sizes and MB/s agree.
import type { Entry } from '../protocol/messages'

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const

export function formatBytes(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000
    unit += 1
  }
  if (unit === 0) return `${bytes} B`
  return `${value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0)} ${UNITS[unit]}`
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`
  const s = ms / 1000
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`
  const m = Math.floor(s / 60)
  return `${m} min ${Math.round(s - m * 60)} s`
}

/** Idle timeouts are whole seconds or minutes in practice. */
export function formatTimeout(ms: number): string {
  if (ms < 1000) return `${ms} ms`
  const s = Math.round(ms / 1000)
  if (s >= 60 && s % 60 === 0) return `${s / 60} min`
  return `${s} s`
}

/** Bytes per second in the unit that fits (a 6-byte file is "2.00 kB/s", not "0.00 MB/s"); "-" when unmeasurable. */
export function formatRate(bytes: number, ms: number): string {
  if (ms <= 0) return '- B/s'
  return `${formatBytes(Math.round((bytes * 1000) / ms))}/s`
}

function sortEntries(entries: Entry[]): Entry[] {
  return [...entries].sort((a, b) =>
    a.type === b.type ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.type === 'dir' ? -1 : 1,
  )
}

/** Short form: one name a line, folders with a trailing '/'. */
export function formatListing(entries: Entry[]): string[] {
  return sortEntries(entries).map((e) => (e.type === 'dir' ? `${e.name}/` : e.name))
}

/** Long form: type, size, modification time (UTC), name. */
export function formatLongListing(entries: Entry[]): string[] {
  const sorted = sortEntries(entries)
  const sizes = sorted.map((e) => (e.type === 'dir' ? '-' : String(e.size)))
  const width = Math.max(0, ...sizes.map((s) => s.length))
  return sorted.map((e, i) => {
    const when = new Date(e.mtimeMs).toISOString().slice(0, 19).replace('T', ' ')
    const name = e.type === 'dir' ? `${e.name}/` : e.name
    return `${e.type === 'dir' ? 'd' : '-'}  ${(sizes[i] ?? '').padStart(width)}  ${when}  ${name}`
  })
}
