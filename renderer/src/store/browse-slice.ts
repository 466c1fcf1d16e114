import type { ApiError, IpcResult, RemoteEntry, UploadItem } from '../../../preload/api'
import { call } from '../lib/api'
import { isWithin, joinPath, nameProblem, parentPath } from '../lib/paths'
import { sortEntries, type SortKey, type SortOrder } from './sort-entries'
import type { SliceCreator } from './types'

export type SelectMode = 'single' | 'toggle' | 'range'

export interface DeleteFailure {
  path: string
  error: ApiError
}

export interface BrowseSlice {
  cwd: string
  /** Sorted in the current order; the raw listing is not kept. */
  entries: RemoteEntry[]
  listing: 'idle' | 'loading' | 'ready' | 'error'
  browseError: ApiError | null
  sort: SortOrder
  selection: ReadonlySet<string>
  anchor: string | null
  downloadDir: string
  /** Folder transfers stop at their first failed file instead of going on (and listing failures at the end). */
  stopOnError: boolean
  navigate(path: string): Promise<void>
  refresh(): Promise<void>
  resetBrowse(): void
  setSort(key: SortKey): void
  select(path: string, mode: SelectMode): void
  selectAll(): void
  clearSelection(): void
  setDownloadDir(dir: string): void
  setStopOnError(stop: boolean): void
  /** Null when done; else the error, for the still-open dialog to show (nothing is notified). */
  makeFolder(name: string): Promise<ApiError | null>
  /** Null when done; else the error, for the still-open dialog to show (nothing is notified). */
  renameEntry(path: string, newName: string): Promise<ApiError | null>
  /** Deletes each path (going on past failures) and returns the failures, for the dialog to show. */
  deleteEntries(paths: string[]): Promise<DeleteFailure[]>
  downloadSelected(): Promise<void>
  /** Downloads these paths into the download folder (a double-click, a row's download button). */
  downloadPaths(paths: string[]): Promise<void>
  uploadItems(items: UploadItem[]): Promise<void>
}

const EMPTY_SELECTION: ReadonlySet<string> = new Set()
// Monotonic request number so a slow listing of a folder the user already left never overwrites a newer one.
let listGeneration = 0

export const createBrowseSlice: SliceCreator<BrowseSlice> = (api) => (set, get) => {
  // Only a choice the user made travels with the call; the default needs no argument.
  const jobOptions = (): { stopOnError: true } | undefined =>
    get().stopOnError ? { stopOnError: true } : undefined
  const load = async (path: string, keepSelection: boolean): Promise<void> => {
    const generation = ++listGeneration
    set({ listing: 'loading', browseError: null })
    const result = await call(api.listRemote(path))
    if (generation !== listGeneration) return
    if (!result.ok) {
      set({ listing: 'error', browseError: result.error })
      return
    }
    const entries = sortEntries(result.value, get().sort)
    const present = new Set(entries.map((e) => e.path))
    const selection = keepSelection
      ? new Set([...get().selection].filter((p) => present.has(p)))
      : EMPTY_SELECTION
    set({ cwd: path, entries, listing: 'ready', selection, anchor: keepSelection ? get().anchor : null })
  }

  /** Checks a name the user typed, runs the change that gives an entry that name, then shows and selects it. */
  const applyName = async (
    name: string,
    make: () => Promise<IpcResult<RemoteEntry>>,
  ): Promise<ApiError | null> => {
    const problem = nameProblem(name)
    if (problem) return { code: 'PATH_INVALID', message: problem }
    const result = await call(make())
    if (!result.ok) return result.error
    await get().refresh()
    set({ selection: new Set([result.value.path]), anchor: result.value.path })
    return null
  }

  const requireConnection = (): boolean => {
    if (get().connection.state === 'connected') return true
    get().notify('error', 'Connect to a server first.')
    return false
  }

  return {
    cwd: '',
    entries: [],
    listing: 'idle',
    browseError: null,
    sort: { key: 'name', dir: 'asc' },
    selection: EMPTY_SELECTION,
    anchor: null,
    downloadDir: '',
    stopOnError: false,
    navigate: (path) => load(path, false),
    refresh: () => load(get().cwd, true),
    resetBrowse: () => {
      listGeneration++
      set({
        cwd: '',
        entries: [],
        listing: 'idle',
        browseError: null,
        selection: EMPTY_SELECTION,
        anchor: null,
      })
    },
    setSort: (key) => {
      const { sort, entries } = get()
      const next: SortOrder = { key, dir: sort.key === key && sort.dir === 'asc' ? 'desc' : 'asc' }
      set({ sort: next, entries: sortEntries(entries, next) })
    },
    select: (path, mode) => {
      const { selection, anchor, entries } = get()
      if (mode === 'toggle') {
        const next = new Set(selection)
        if (next.has(path)) next.delete(path)
        else next.add(path)
        set({ selection: next, anchor: path })
        return
      }
      if (mode === 'range' && anchor !== null) {
        const from = entries.findIndex((e) => e.path === anchor)
        const to = entries.findIndex((e) => e.path === path)
        if (from >= 0 && to >= 0) {
          const [lo, hi] = from < to ? [from, to] : [to, from]
          set({ selection: new Set(entries.slice(lo, hi + 1).map((e) => e.path)) })
          return
        }
      }
      set({ selection: new Set([path]), anchor: path })
    },
    selectAll: () => set((s) => ({ selection: new Set(s.entries.map((e) => e.path)) })),
    clearSelection: () => set({ selection: EMPTY_SELECTION, anchor: null }),
    setStopOnError: (stop) => set({ stopOnError: stop }),
    setDownloadDir: (downloadDir) => set({ downloadDir }),
    makeFolder: (name) => applyName(name, () => api.makeRemoteFolder(joinPath(get().cwd, name))),
    renameEntry: (path, newName) =>
      applyName(newName, () => api.renameRemote(path, joinPath(parentPath(path), newName))),
    deleteEntries: async (paths) => {
      const byPath = new Map(get().entries.map((e) => [e.path, e]))
      const failures: DeleteFailure[] = []
      for (const path of paths) {
        const result = await call(api.deleteRemote(path, byPath.get(path)?.type === 'dir'))
        if (!result.ok) failures.push({ path, error: result.error })
      }
      await get().refresh()
      return failures
    },
    downloadSelected: () => get().downloadPaths([...get().selection]),
    downloadPaths: async (paths) => {
      const dir = get().downloadDir.trim()
      if (paths.length === 0) return get().notify('error', 'Select files or folders to download.')
      if (dir === '') return get().notify('error', 'Enter the folder to download into.')
      const result = await call(api.download(paths, dir, jobOptions()))
      if (!result.ok) return get().notifyError(result.error, 'Could not start the download')
      get().notify('info', `Downloading ${paths.length} item${paths.length === 1 ? '' : 's'} into ${dir}`)
    },
    uploadItems: async (items) => {
      if (items.length === 0 || !requireConnection()) return
      const result = await call(api.uploadFiles(items, get().cwd, jobOptions()))
      if (!result.ok) return get().notifyError(result.error, 'Could not start the upload')
    },
  }
}

/** Whether a finished upload to remotePath changes what the folder cwd shows. */
export function affectsFolder(remotePath: string, cwd: string): boolean {
  return isWithin(parentPath(remotePath), cwd)
}
