// Coalesces bursts of events so React renders at most a few times a second during big transfers. Items with the
// same key replace each other (the latest progress wins); order of first arrival is kept.
export interface Batcher<T> {
  push(key: string, item: T): void
  /** Delivers whatever is pending now. */
  flush(): void
  /** Delivers what is pending within `ms` (sooner than the interval): many such calls still make one delivery. */
  flushWithin(ms: number): void
  dispose(): void
}

export function createBatcher<T>(deliver: (items: T[]) => void, intervalMs = 100): Batcher<T> {
  let pending = new Map<string, T>()
  let timer: ReturnType<typeof setTimeout> | null = null
  let dueAt = 0
  let disposed = false

  const flush = (): void => {
    if (timer !== null) {
      clearTimeout(timer)
      timer = null
    }
    if (pending.size === 0) return
    const items = [...pending.values()]
    pending = new Map()
    deliver(items)
  }

  return {
    push(key, item) {
      if (disposed) return
      pending.set(key, item)
      if (timer === null) {
        dueAt = Date.now() + intervalMs
        timer = setTimeout(flush, intervalMs)
      }
    },
    flush,
    flushWithin(ms) {
      if (disposed || pending.size === 0) return
      const due = Date.now() + Math.min(ms, intervalMs)
      if (timer !== null && dueAt <= due) return
      if (timer !== null) clearTimeout(timer)
      dueAt = due
      timer = setTimeout(flush, due - Date.now())
    },
    dispose() {
      disposed = true
      if (timer !== null) clearTimeout(timer)
      timer = null
      pending.clear()
    },
  }
}
