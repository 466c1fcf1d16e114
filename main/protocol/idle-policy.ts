// The seed's idea, kept: the more clients are connected, the shorter the idle timeout each new one gets, so a
// busy server sheds idle sockets sooner. The timeout is fixed at connect time and announced in HELLO.
export interface IdlePolicy {
  /** Timeout given when this is the only client. */
  maxMs: number
  /** Floor: no client gets less, however busy the server. */
  minMs: number
  /** Number of other active clients at which the timeout has halved. */
  halfAt: number
}

export const DEFAULT_IDLE_POLICY: IdlePolicy = { maxMs: 300_000, minMs: 15_000, halfAt: 100 }

/** timeout = clamp(maxMs * halfAt / (halfAt + others), minMs, maxMs), where others = active - 1. */
export function idleTimeoutFor(activeConnections: number, policy: IdlePolicy = DEFAULT_IDLE_POLICY): number {
  const others = Math.max(0, activeConnections - 1)
  const raw = (policy.maxMs * policy.halfAt) / (policy.halfAt + others)
  return Math.round(Math.min(policy.maxMs, Math.max(policy.minMs, raw)))
}
