import { describeError } from '../../lib/api'
import { formatTimeoutSeconds } from '../../lib/format'
import { useFerry } from '../../store/context'

export function ConnectionStatus() {
  const connection = useFerry((s) => s.connection)
  let text: string
  let detail: string | null = null
  switch (connection.state) {
    case 'connected':
      text = `Connected to ${connection.info.serverName} at ${connection.info.host}:${connection.info.port}`
      detail = `idle timeout ${formatTimeoutSeconds(connection.info.idleTimeoutMs)}, assigned by the server${
        connection.info.readOnly ? ' · read-only share' : ''
      }`
      break
    case 'connecting':
      text = `Connecting to ${connection.host}:${connection.port}...`
      break
    case 'error':
      text = `Connection failed: ${describeError(connection.error)}`
      break
    default:
      text = connection.reason ? `Disconnected: ${connection.reason}` : 'Not connected'
  }
  return (
    <div
      className={`card connection-status state-${connection.state}`}
      role="status"
      aria-live="polite"
      data-testid="connection-status"
    >
      <p data-testid="connection-state">{text}</p>
      {detail && <p data-testid="connection-timeout">{detail}</p>}
    </div>
  )
}
