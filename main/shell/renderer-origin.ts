// Which URLs are the app's own renderer: the built index.html on disk, or the Vite dev server in development.
// IPC calls and navigation are accepted only from these.
import { pathToFileURL } from 'node:url'

export interface RendererLocation {
  /** file:// URL of out/renderer/index.html. */
  fileUrl: string
  /** The dev server URL (ELECTRON_RENDERER_URL) when running `electron-vite dev`. */
  devUrl?: string
}

export function rendererLocation(indexHtmlPath: string, devUrl: string | undefined): RendererLocation {
  return { fileUrl: pathToFileURL(indexHtmlPath).href, ...(devUrl ? { devUrl } : {}) }
}

/** True when `url` is the renderer page itself (any hash or query), and nothing else. */
export function isOwnRenderer(url: string | undefined, location: RendererLocation): boolean {
  if (!url) return false
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (parsed.protocol === 'file:') {
    const own = new URL(location.fileUrl)
    return parsed.pathname === own.pathname && parsed.host === own.host
  }
  if (location.devUrl) {
    return parsed.origin === new URL(location.devUrl).origin
  }
  return false
}
