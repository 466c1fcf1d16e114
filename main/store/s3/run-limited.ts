// Runs `work` over items with at most `limit` at a time. After the first failure nothing new starts; the ones
// running are waited for (so no request outlives the call), then that first error is thrown. Resolves to how many
// items finished, in case the caller must report progress.
export async function runLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<number> {
  let next = 0
  let done = 0
  let failure: { error: unknown } | null = null
  const worker = async (): Promise<void> => {
    while (failure === null && next < items.length) {
      const index = next++
      try {
        await work(items[index] as T, index)
        done++
      } catch (error: unknown) {
        failure ??= { error }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  if (failure !== null) throw (failure as { error: unknown }).error
  return done
}
