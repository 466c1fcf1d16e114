// Human-readable numbers for sizes, rates, durations and times.
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—'
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2
  return `${value.toFixed(digits)} ${UNITS[unit]}`
}

export function formatRate(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return '—'
  return `${formatBytes(bytesPerSecond)}/s`
}

/** Seconds remaining as "1 h 2 min", "3 min 4 s" or "5 s"; a dash when unknown. */
export function formatEta(remainingBytes: number, bytesPerSecond: number): string {
  if (remainingBytes <= 0) return '0 s'
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return '—'
  return formatDuration(remainingBytes / bytesPerSecond)
}

export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  if (h > 0) return `${h} h ${m} min`
  if (m > 0) return `${m} min ${sec} s`
  return `${sec} s`
}

/** "idle timeout 300 s" style: whole seconds, as the server assigns them. */
export function formatTimeoutSeconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`
}

const DATE_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const TIME_FORMAT = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' })

export function formatDate(ms: number): string {
  return Number.isFinite(ms) && ms > 0 ? DATE_FORMAT.format(ms) : '—'
}

export function formatTime(ms: number): string {
  return Number.isFinite(ms) && ms > 0 ? TIME_FORMAT.format(ms) : '—'
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—'
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2)
}

/** A count with thousands separators, the same on every machine: "10,000". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US')
}
