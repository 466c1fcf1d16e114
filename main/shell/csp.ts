// The Content-Security-Policy of the renderer, shared by the Electron window and browser mode. Scripts only from
// the app itself, nothing remote. Inline styles are allowed because React and ECharts set element styles; inline
// scripts are not (except from the Vite dev server during development, which injects its HMR preamble).
export interface CspOptions {
  /** Origin of the Vite dev server in development (e.g. http://localhost:5173); absent in production. */
  devServerOrigin?: string
  /** Extra connect-src sources (browser mode's WebSocket bridge). */
  connectSources?: string[]
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const dev = options.devServerOrigin
  const devWs = dev ? dev.replace(/^http/, 'ws') : undefined
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': dev ? ["'self'", "'unsafe-inline'", dev] : ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'", ...(options.connectSources ?? []), ...(dev && devWs ? [dev, devWs] : [])],
    'worker-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
  }
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ')
}
