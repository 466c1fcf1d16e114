import type { ApiError, AppInfo, ErrorCode } from '../../../preload/api'
import { call, describeError } from '../lib/api'
import type { SliceCreator } from './types'

export type View = 'host' | 'connect' | 'browse' | 'perf'

export interface Notice {
  id: number
  kind: 'error' | 'info'
  text: string
  /** The stable code of the error behind it, shown as a tooltip for support. */
  code?: ErrorCode
}

export interface AppSlice {
  /** The page's link to its back end: 'lost' while browser mode's bridge is down (live state may be stale). */
  bridge: 'ok' | 'lost'
  setBridge(state: 'ok' | 'lost'): void
  appInfo: AppInfo | null
  view: View
  notices: Notice[]
  setView(view: View): void
  notify(kind: Notice['kind'], text: string, code?: ErrorCode): void
  notifyError(error: ApiError, context?: string): void
  dismissNotice(id: number): void
  loadAppInfo(): Promise<void>
  /** The native folder picker's answer, or null when cancelled, unavailable or failed (failure is notified). */
  chooseFolder(purpose: 'share' | 'download'): Promise<string | null>
}

const MAX_NOTICES = 5
let nextNoticeId = 1

export const createAppSlice: SliceCreator<AppSlice> = (api) => (set, get) => ({
  bridge: 'ok',
  setBridge: (bridge) => set({ bridge }),
  appInfo: null,
  view: 'connect',
  notices: [],
  setView: (view) => set({ view }),
  notify: (kind, text, code) =>
    set((s) => ({
      notices: [...s.notices, { id: nextNoticeId++, kind, text, ...(code ? { code } : {}) }].slice(
        -MAX_NOTICES,
      ),
    })),
  notifyError: (error, context) =>
    get().notify('error', context ? `${context}: ${describeError(error)}` : describeError(error), error.code),
  dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  loadAppInfo: async () => {
    const result = await call(api.getAppInfo())
    if (!result.ok) return get().notifyError(result.error, 'Could not read app info')
    const info = result.value
    set((s) => ({
      appInfo: info,
      // Fill defaults only where the user has not typed anything yet.
      hostRoot: s.hostRoot === '' ? info.defaultShareDir : s.hostRoot,
      downloadDir: s.downloadDir === '' ? info.defaultDownloadDir : s.downloadDir,
    }))
  },
  chooseFolder: async (purpose) => {
    const result = await call(api.chooseFolder(purpose))
    if (result.ok) {
      if (result.value === null && get().appInfo?.mode === 'browser')
        get().notify('info', 'There is no folder picker in browser mode: type the folder path instead.')
      return result.value
    }
    get().notifyError(result.error, 'Could not open the folder picker')
    return null
  },
})
