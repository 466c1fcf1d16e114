// While hosting: how the share is protected, the certificate fingerprint in groups for comparing by eye, and a QR
// code of the pairing link (address and fingerprint, never the token) for a phone or another computer to scan.
import { QrCode } from '../../components/QrCode'
import { useCopyText } from '../../lib/use-copy-text'
import { useFerry } from '../../store/context'

export function HostSecurity() {
  const tls = useFerry((s) => s.hostStatus.tls)
  const fingerprint = useFerry((s) => s.hostStatus.fingerprint)
  const pairingLink = useFerry((s) => s.hostStatus.pairingLink)
  const tokenRequired = useFerry((s) => s.hostStatus.tokenRequired)
  const readOnly = useFerry((s) => s.hostStatus.readOnly)
  const bindAll = useFerry((s) => s.hostStatus.bindAll)
  const { copied, copy } = useCopyText()

  const summary = [
    tls ? 'Encrypted with TLS' : 'Not encrypted',
    tokenRequired ? 'access token required' : 'no access token',
    readOnly ? 'read-only' : 'read-write',
  ].join(' · ')

  return (
    <div className="card host-security" data-testid="host-security">
      <h2>Access</h2>
      <p data-testid="host-security-summary">{summary}</p>
      {!tls && bindAll && (
        <p className="warning" role="note" data-testid="host-plaintext-warning">
          Without TLS, anyone on the network can read the files in transit
          {tokenRequired ? ' and the access token' : ''}.
        </p>
      )}
      {tls && fingerprint && (
        <div className="pairing">
          <div>
            <h3>Certificate fingerprint (SHA-256)</h3>
            <p className="hint">
              Clients see this on their first connection; ask them to compare it before they send anything, or
              give them the link: pasted into their Connect view it accepts only this certificate.
            </p>
            <pre className="fingerprint" data-testid="host-fingerprint">
              {fingerprint}
            </pre>
          </div>
          {pairingLink && (
            <figure className="pairing-qr">
              <QrCode text={pairingLink} label={`QR code of ${pairingLink}`} testId="host-qr" />
              <figcaption>
                <code data-testid="host-pairing-link">{pairingLink}</code>
                <button type="button" onClick={() => void copy(pairingLink)} data-testid="host-pairing-copy">
                  {copied === pairingLink ? 'Copied the link' : 'Copy link'}
                </button>
              </figcaption>
            </figure>
          )}
        </div>
      )}
    </div>
  )
}
