import { lazy, Suspense } from 'react'
import { Notices } from './components/Notices'
import { BrowseView } from './features/browse/BrowseView'
import { ConnectView } from './features/connect/ConnectView'
import { HostView } from './features/host/HostView'
import { DropZone } from './features/transfers/DropZone'
import { TransfersPanel } from './features/transfers/TransfersPanel'
import type { View } from './store/app-slice'
import { useFerry } from './store/context'

// The perf view carries the chart library, most of the bundle: it loads when first opened, so the app starts
// with less to parse.
const PerfView = lazy(() => import('./features/perf/PerfView').then((m) => ({ default: m.PerfView })))

const VIEWS: Array<{ view: View; label: string }> = [
  { view: 'host', label: 'Host' },
  { view: 'connect', label: 'Connect' },
  { view: 'browse', label: 'Browse' },
  { view: 'perf', label: 'Performance' },
]

/** Browser mode's bridge dropped: said plainly, and the badges below stop claiming live state. */
function BridgeBanner() {
  const bridge = useFerry((s) => s.bridge)
  if (bridge === 'ok') return null
  return (
    <div className="bridge-banner" role="alert" data-testid="bridge-lost">
      Lost contact with Ferry&apos;s back end (was it stopped?). Hosting, connection and transfer states shown
      may be out of date. Reconnecting by itself...
    </div>
  )
}

function ConnectionBadge() {
  const bridge = useFerry((s) => s.bridge)
  const connection = useFerry((s) => s.connection)
  const hosting = useFerry((s) => s.hostStatus.running)
  const clients = useFerry((s) => s.hostStatus.clients.length)
  if (bridge === 'lost') {
    return (
      <div className="badges" aria-live="polite" data-testid="header-status">
        <span className="badge badge-error">Back end unreachable</span>
      </div>
    )
  }
  return (
    <div className="badges" aria-live="polite" data-testid="header-status">
      {hosting && (
        <span className="badge badge-host">
          Hosting · {clients} client{clients === 1 ? '' : 's'}
        </span>
      )}
      <span className={`badge badge-${connection.state}`}>
        {connection.state === 'connected'
          ? `Connected to ${connection.info.host}:${connection.info.port}`
          : connection.state === 'connecting'
            ? 'Connecting...'
            : connection.state === 'error'
              ? 'Connection failed'
              : 'Not connected'}
      </span>
    </div>
  )
}

export function App() {
  const view = useFerry((s) => s.view)
  const setView = useFerry((s) => s.setView)
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <span className="brand">Ferry</span>
        <nav aria-label="Views">
          <ul>
            {VIEWS.map((v) => (
              <li key={v.view}>
                <button
                  type="button"
                  aria-current={view === v.view ? 'page' : undefined}
                  onClick={() => setView(v.view)}
                  data-testid={`nav-${v.view}`}
                >
                  {v.label}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <ConnectionBadge />
      </header>
      <BridgeBanner />
      <main id="main" className="app-main" tabIndex={-1}>
        {view === 'host' && <HostView />}
        {view === 'connect' && <ConnectView />}
        {view === 'browse' && <BrowseView />}
        {view === 'perf' && (
          <Suspense
            fallback={
              <p className="view" role="status">
                Loading the performance test...
              </p>
            }
          >
            <PerfView />
          </Suspense>
        )}
      </main>
      <TransfersPanel />
      <Notices />
      <DropZone />
    </div>
  )
}
