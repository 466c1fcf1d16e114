// The key limits are counted under. IPv4-mapped IPv6 addresses are the IPv4 address, and IPv6 addresses count
// by their /64 prefix: one host usually owns a whole /64, so counting single addresses would let it rotate
// through 2^64 of them to dodge every per-address limit.
import net from 'node:net'

export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown'
  const lower = address.toLowerCase()
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower)
  if (mapped?.[1]) return mapped[1]
  if (net.isIPv4(lower)) return lower
  if (!net.isIPv6(lower.split('%')[0] ?? '')) return lower
  const groups = expandIPv6(lower.split('%')[0] ?? '')
  return `${groups.slice(0, 4).join(':')}::/64`
}

function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  // An embedded IPv4 tail (::ffff:a.b.c.d handled above; others are rare) counts as two groups.
  const fill = Math.max(0, 8 - left.length - right.length)
  const groups = [...left, ...Array.from({ length: fill }, () => '0'), ...right]
  return groups.map((g) => g.replace(/^0+(?=.)/, ''))
}
