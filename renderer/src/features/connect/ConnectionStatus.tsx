import { describeError, errorCodeTitle } from '../../lib/api'
import { groupFingerprint, shortFingerprint } from '../../lib/fingerprint'
import { formatTimeoutSeconds } from '../../lib/format'
import { useFerry } from '../../store/context'

export function ConnectionStatus() {
  const connection = useFerry((s) => s.connection)
  let text: string
  let detail: string | null = null
  let security: string | null = null
  let fingerprint: string | null = null
  switch (connection.state) {
    case 'connected':
      text = `Connected to ${connection.info.serverName} at ${connection.info.host}:${connection.info.port}`
      detail = `idle timeout ${formatTimeoutSeconds(connection.info.idleTimeoutMs)}, assigned by the server${
        connection.info.readOnly ? ' · read-only share' : ''
      }`
      fingerprint = connection.info.fingerprint
      security = fingerprint ? `Encrypted, fingerprint ${shortFingerprint(fingerprint)}` : 'Not encrypted'
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
      <p
        data-testid="connection-state"
        title={connection.state === 'error' ? errorCodeTitle(connection.error.code) : undefined}
      >
        {text}
      </p>
      {detail && <p data-testid="connection-timeout">{detail}</p>}
      {security && <p data-testid="connection-security">{security}</p>}
      {fingerprint && (
        <details>
          <summary>Compare the fingerprint with the host</summary>
          <pre className="fingerprint" data-testid="connection-fingerprint">
            {groupFingerprint(fingerprint)}
          </pre>
        </details>
      )}
    </div>
  )
}
