// Coalesces bursts of events so React renders at most a few times a second during big transfers. Items with the
// same key replace each other (the latest progress wins); order of first arrival is kept.
export interface Batcher<T> {
  push(key: string, item: T): void
  /** Delivers whatever is pending now. */
  flush(): void
  dispose(): void
}

export function createBatcher<T>(deliver: (items: T[]) => void, intervalMs = 100): Batcher<T> {
  let pending = new Map<string, T>()
  let timer: ReturnType<typeof setTimeout> | null = null
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
      if (timer === null) timer = setTimeout(flush, intervalMs)
    },
    flush,
    dispose() {
      disposed = true
      if (timer !== null) clearTimeout(timer)
      timer = null
      pending.clear()
    },
  }
}
