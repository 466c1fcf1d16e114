// Strict parsers for the perf and bench command lines: a typo must fail loudly instead of silently running a
// different benchmark than the one asked for.
import { FerryError } from '../main/protocol/error-codes'

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  B: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
  KB: 1000,
  MB: 1000 ** 2,
  GB: 1000 ** 3,
}

/** '4KiB', '1MiB', '512', '1.5MiB' -> bytes. Units are case-sensitive on purpose (KiB vs KB vs Kb). */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$/.exec(text.trim())
  const unit = match?.[2] ?? ''
  const factor = SIZE_UNITS[unit]
  if (!match || factor === undefined) {
    throw new FerryError('INVALID_ARGUMENT', `invalid size "${text}" (use e.g. 512, 4KiB, 1MiB, 1GiB)`)
  }
  const bytes = Number(match[1]) * factor
  if (!Number.isSafeInteger(bytes)) {
    throw new FerryError('INVALID_ARGUMENT', `size "${text}" is not a whole number of bytes`)
  }
  return bytes
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 }

/** '60s', '500ms', '2m' -> milliseconds; a bare number is seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?$/.exec(text.trim())
  if (!match) throw new FerryError('INVALID_ARGUMENT', `invalid duration "${text}" (use e.g. 500ms, 60s, 2m)`)
  const ms = Math.round(Number(match[1]) * (DURATION_UNITS[match[2] ?? 's'] ?? 1000))
  if (ms <= 0) throw new FerryError('INVALID_ARGUMENT', `duration "${text}" must be positive`)
  return ms
}

/** '1,2,4,8' -> [1, 2, 4, 8]: positive integers, each at most `max`. Order is kept; duplicates are refused. */
export function parseClientCounts(text: string, max = 100_000): number[] {
  const parts = text.split(',').map((p) => p.trim())
  const counts = parts.map((p) => {
    if (!/^\d+$/.test(p)) throw new FerryError('INVALID_ARGUMENT', `invalid client count "${p}" in "${text}"`)
    const n = Number(p)
    if (n < 1 || n > max)
      throw new FerryError('INVALID_ARGUMENT', `client count ${p} must be between 1 and ${max}`)
    return n
  })
  if (new Set(counts).size !== counts.length) {
    throw new FerryError('INVALID_ARGUMENT', `duplicate client count in "${text}"`)
  }
  return counts
}

/** A positive integer option such as --requests. */
export function parsePositiveInt(text: string, what: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new FerryError('INVALID_ARGUMENT', `${what} must be a positive integer, got "${text}"`)
  }
  return Number(text)
}

/** 'host:port' or '[v6]:port'; 'local' is handled by the caller. */
export function parseHostPort(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim())
  const host = match?.[1] ?? match?.[2]
  const port = Number(match?.[3])
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new FerryError('INVALID_ARGUMENT', `invalid target "${text}" (use HOST:PORT)`)
  }
  return { host, port }
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  const text = Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1)
  return `${text}${units[unit]}`
}
