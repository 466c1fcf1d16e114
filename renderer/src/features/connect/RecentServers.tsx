import { formatDate } from '../../lib/format'
import { useFerry } from '../../store/context'

export function RecentServers() {
  const recent = useFerry((s) => s.recentServers)
  const connect = useFerry((s) => s.connect)
  const forget = useFerry((s) => s.forgetServer)
  const setView = useFerry((s) => s.setView)
  const busy = useFerry((s) => s.connection.state === 'connecting')
  if (recent.length === 0) return null
  const open = async (host: string, port: number, tls: boolean) => {
    if (await connect({ host, port, tls })) setView('browse')
  }
  return (
    <div className="card">
      <h2>Recent servers</h2>
      <ul className="recent-list" data-testid="recent-servers">
        {recent.map((r) => (
          <li key={`${r.host}:${r.port}`} data-testid="recent-server">
            <button
              type="button"
              className="link"
              disabled={busy}
              onClick={() => void open(r.host, r.port, r.tls)}
            >
              {r.serverName} — {r.host}:{r.port}
            </button>
            <span className="hint">{r.tls ? 'TLS' : 'not encrypted'}</span>
            <span className="hint">last used {formatDate(r.lastUsed)}</span>
            <button
              type="button"
              aria-label={`Forget ${r.host}:${r.port}`}
              onClick={() => forget(r.host, r.port)}
            >
              Forget
            </button>
          </li>
        ))}
      </ul>
    </div>
  )
}
