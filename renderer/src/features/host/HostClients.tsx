import { formatTime, formatTimeoutSeconds } from '../../lib/format'
import { useFerry } from '../../store/context'

export function HostClients() {
  const clients = useFerry((s) => s.hostStatus.clients)
  return (
    <div className="card">
      <h2>Connected clients ({clients.length})</h2>
      {clients.length === 0 ? (
        <p className="empty" data-testid="host-no-clients">
          No clients connected.
        </p>
      ) : (
        <table className="data-table" data-testid="host-clients">
          <thead>
            <tr>
              <th scope="col">Address</th>
              <th scope="col">Connected</th>
              <th scope="col">Idle timeout</th>
            </tr>
          </thead>
          <tbody>
            {clients.map((c) => (
              <tr key={c.id} data-testid="host-client">
                <td>{c.address}</td>
                <td>{formatTime(c.connectedAt)}</td>
                <td>{formatTimeoutSeconds(c.idleTimeoutMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
