// The Range request header (RFC 9110 section 14), one range only. Several ranges get the whole file (a server
// may ignore Range); a range that cannot be parsed or lies past the end is unsatisfiable (416).
export type RangeDecision =
  | { kind: 'full' }
  | { kind: 'partial'; start: number; end: number } // end inclusive
  | { kind: 'unsatisfiable' }

const SPEC = /^(\d*)-(\d*)$/

export function decideRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined) return { kind: 'full' }
  const trimmed = header.trim()
  const eq = trimmed.indexOf('=')
  // Other units are ignored, as the RFC asks.
  if (eq < 0 || trimmed.slice(0, eq).trim().toLowerCase() !== 'bytes') return { kind: 'full' }
  const specs = trimmed.slice(eq + 1).split(',')
  if (specs.length > 1) return { kind: 'full' }
  const match = SPEC.exec((specs[0] ?? '').trim())
  if (!match) return { kind: 'unsatisfiable' }
  const [, first = '', last = ''] = match
  if (first === '' && last === '') return { kind: 'unsatisfiable' }
  if (first.length > 15 || last.length > 15) return { kind: 'unsatisfiable' }
  if (first === '') {
    // Suffix: the last N bytes.
    const n = Number(last)
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' }
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 }
  }
  const start = Number(first)
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (start >= size || (last !== '' && Number(last) < start)) return { kind: 'unsatisfiable' }
  return { kind: 'partial', start, end }
}
