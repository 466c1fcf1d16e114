// The servers whose certificates this computer has pinned (shared with the command line), with when each was
// pinned and a way to forget one: its next TLS connection then trusts on first use again.
import { useState } from 'react'
import type { TrustedServer } from '../../../../preload/api'
import { ConfirmDialog } from '../../components/Dialog'
import { groupFingerprint } from '../../lib/fingerprint'
import { formatDate } from '../../lib/format'
import { useFerry } from '../../store/context'

export function TrustedServers() {
  const servers = useFerry((s) => s.trustedServers)
  const forget = useFerry((s) => s.forgetTrustedServer)
  const [confirming, setConfirming] = useState<TrustedServer | null>(null)

  const confirm = async () => {
    const target = confirming
    setConfirming(null)
    if (target) await forget(target.host, target.port)
  }

  return (
    <div className="card" data-testid="trusted-servers">
      <h2>Trusted servers</h2>
      {servers.length === 0 ? (
        <p className="hint">
          None yet. A server is trusted the first time you connect to it with TLS, or from its link.
        </p>
      ) : (
        <ul className="trusted-list">
          {servers.map((t) => (
            <li key={t.server} data-testid="trusted-server">
              <div className="trusted-head">
                <strong>{t.server}</strong>
                <span className="hint">pinned {formatDate(t.firstSeen)}</span>
                <button
                  type="button"
                  aria-label={`Forget the certificate of ${t.server}`}
                  onClick={() => setConfirming(t)}
                  data-testid="trusted-forget"
                >
                  Forget
                </button>
              </div>
              <pre className="fingerprint" aria-label={`Fingerprint of ${t.server}`}>
                {groupFingerprint(t.fingerprint)}
              </pre>
            </li>
          ))}
        </ul>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Forget ${confirming.server}?`}
          message={
            <p>
              Its certificate will no longer be checked against this pin: the next TLS connection trusts
              whatever it presents, unless you connect with its link again.
            </p>
          }
          confirmLabel="Forget"
          danger
          onConfirm={() => void confirm()}
          onCancel={() => setConfirming(null)}
          testId="trusted-forget-dialog"
        />
      )}
    </div>
  )
}
