import { useId, type FormEvent } from 'react'
import { CheckboxField } from '../../components/CheckboxField'
import { useFerry } from '../../store/context'
import { ConnectionStatus } from './ConnectionStatus'
import { FingerprintMismatchDialog } from './FingerprintMismatchDialog'
import { NearbyHosts } from './NearbyHosts'
import { PairingLinkField } from './PairingLinkField'
import { PinnedFingerprint } from './PinnedFingerprint'
import { RecentServers } from './RecentServers'
import { TrustedServers } from './TrustedServers'

export function ConnectView() {
  const host = useFerry((s) => s.connectHost)
  const port = useFerry((s) => s.connectPort)
  const token = useFerry((s) => s.connectToken)
  const tls = useFerry((s) => s.connectTls)
  const pinned = useFerry((s) => s.connectFingerprint !== null)
  const state = useFerry((s) => s.connection.state)
  const setForm = useFerry((s) => s.setConnectForm)
  const pastePairingLink = useFerry((s) => s.pastePairingLink)
  const connect = useFerry((s) => s.connect)
  const disconnect = useFerry((s) => s.disconnect)
  const setView = useFerry((s) => s.setView)
  const fieldErrors = useFerry((s) => s.connectFieldErrors)
  const hostId = useId()
  const portId = useId()
  const tokenId = useId()

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (await connect()) setView('browse')
  }

  return (
    <section className="view connect-view" aria-labelledby="connect-heading" data-testid="connect-view">
      <h1 id="connect-heading">Connect</h1>
      <NearbyHosts />
      <PairingLinkField />
      <form className="card form-grid" onSubmit={(e) => void submit(e)} data-testid="connect-form">
        <div className="field">
          <label htmlFor={hostId}>Host</label>
          <input
            id={hostId}
            value={host}
            autoComplete="off"
            spellCheck={false}
            placeholder="192.168.1.20 or name.local"
            onChange={(e) => {
              // A link pasted where the host goes is used as a link, not kept as a host name.
              if (/^\s*ferry:\/\//i.test(e.target.value)) void pastePairingLink(e.target.value)
              else setForm({ connectHost: e.target.value })
            }}
            aria-invalid={fieldErrors.host !== null}
            aria-describedby={`${hostId}-error`}
            data-testid="connect-host"
          />
          <FieldError id={`${hostId}-error`} text={fieldErrors.host} testId="connect-host-error" />
        </div>
        <div className="field">
          <label htmlFor={portId}>Port</label>
          <input
            id={portId}
            inputMode="numeric"
            value={port}
            onChange={(e) => setForm({ connectPort: e.target.value })}
            aria-invalid={fieldErrors.port !== null}
            aria-describedby={`${portId}-error`}
            data-testid="connect-port"
          />
          <FieldError id={`${portId}-error`} text={fieldErrors.port} testId="connect-port-error" />
        </div>
        <div className="field">
          <label htmlFor={tokenId}>Access token</label>
          <input
            id={tokenId}
            type="password"
            value={token}
            autoComplete="off"
            placeholder="if the host set one"
            onChange={(e) => setForm({ connectToken: e.target.value })}
            data-testid="connect-token"
          />
        </div>
        <CheckboxField
          checked={tls}
          onChange={(checked) => setForm({ connectTls: checked })}
          testId="connect-tls"
        >
          {pinned
            ? 'Use TLS (encrypted; only the certificate below is accepted)'
            : "Use TLS (encrypted; the server's certificate is pinned on first use)"}
        </CheckboxField>
        <PinnedFingerprint />
        <div className="form-actions">
          <button
            type="submit"
            className="primary"
            disabled={state === 'connecting'}
            data-testid="connect-submit"
          >
            {state === 'connecting' ? 'Connecting...' : 'Connect'}
          </button>
          {state === 'connected' && (
            <button type="button" onClick={() => void disconnect()} data-testid="disconnect">
              Disconnect
            </button>
          )}
        </div>
      </form>
      <ConnectionStatus />
      <RecentServers />
      <TrustedServers />
      <FingerprintMismatchDialog />
    </section>
  )
}

/** The problem with one field, under it; an empty live region otherwise, so screen readers hear it appear. */
function FieldError({ id, text, testId }: { id: string; text: string | null; testId: string }) {
  return (
    <p id={id} className="field-error" role="alert" data-testid={testId}>
      {text ?? ''}
    </p>
  )
}
