// The files of a folder job for its expander, a page at a time: only the pages scrolled into view are fetched,
// and after invalidate() (files settled) the visible ones are fetched again while older ones are kept on screen
// until their replacements arrive. A small external store: React subscribes to it (use-transfer-files.ts).
import type { TransferFileInfo, TransferFilePage } from '../../../../preload/api'

export const FILE_PAGE = 100
/** Least time between two refetches of a running job's visible pages. */
export const REFRESH_MS = 1000

interface Page {
  files: TransferFileInfo[]
  generation: number
}

export class TransferFilePager {
  /** How many files can be listed; null until the first page arrives. */
  total: number | null = null
  private readonly pages = new Map<number, Page>()
  private readonly inFlight = new Set<string>()
  private readonly listeners = new Set<() => void>()
  private generation = 0
  private version = 0
  private visible: [number, number] = [0, 0]
  private lastRefreshAt = -Infinity

  constructor(
    private readonly load: (offset: number, limit: number) => Promise<TransferFilePage | null>,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Changes whenever something new can be shown. */
  readonly getVersion = (): number => this.version

  readonly fileAt = (index: number): TransferFileInfo | undefined =>
    this.pages.get(Math.floor(index / FILE_PAGE))?.files[index % FILE_PAGE]

  /** Rows first..last are on screen: fetch their pages unless they are fresh. */
  readonly ensure = (first: number, last: number): void => {
    this.visible = [first, last]
    const from = Math.floor(first / FILE_PAGE)
    const to = Math.floor(Math.max(first, last) / FILE_PAGE)
    for (let p = from; p <= to; p++) {
      if ((this.pages.get(p)?.generation ?? -1) < this.generation) void this.fetch(p, this.generation)
    }
  }

  /** Milliseconds until a refresh is allowed (0: now). */
  refreshIn(): number {
    return Math.max(0, this.lastRefreshAt + REFRESH_MS - this.clock())
  }

  /** What is on screen is stale: fetch it again. */
  invalidate(): void {
    this.lastRefreshAt = this.clock()
    this.generation += 1
    this.ensure(...this.visible)
  }

  private async fetch(page: number, generation: number): Promise<void> {
    const key = `${generation}:${page}`
    if (this.inFlight.has(key)) return
    this.inFlight.add(key)
    const result = await this.load(page * FILE_PAGE, FILE_PAGE)
    this.inFlight.delete(key)
    // An older answer arriving late never replaces a newer page.
    if (!result || (this.pages.get(page)?.generation ?? -1) > generation) return
    this.total = result.total
    this.pages.set(page, { files: result.files, generation })
    this.version += 1
    for (const listener of [...this.listeners]) listener()
  }
}
