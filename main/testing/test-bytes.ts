// Test data helpers shared by the fault suites (harness.ts) and the ShareStore conformance suite: a SHA-256 hex
// digest and deterministic bytes that differ at every offset, so a shifted or duplicated chunk changes the hash.
import { createHash } from 'node:crypto'

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

export function pattern(size: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(size)
  let x = seed >>> 0 || 1
  for (let i = 0; i < size; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}
