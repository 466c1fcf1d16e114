// The warning when a server presents another certificate than the one pinned for it: both fingerprints side by
// side, and the choice to trust the new one (after comparing it with the host) or to stay away. Cancel has focus.
// When the expected certificate came from a pairing link there is no such choice: the link names the server.
import { Dialog } from '../../components/Dialog'
import { groupFingerprint } from '../../lib/fingerprint'
import { useFerry } from '../../store/context'

export function FingerprintMismatchDialog() {
  const mismatch = useFerry((s) => s.fingerprintMismatch)
  const trust = useFerry((s) => s.trustNewCertificate)
  const dismiss = useFerry((s) => s.dismissFingerprintMismatch)
  const setView = useFerry((s) => s.setView)
  if (!mismatch) return null
  const server = mismatch.host.includes(':')
    ? `[${mismatch.host}]:${mismatch.port}`
    : `${mismatch.host}:${mismatch.port}`
  const accept = async () => {
    if (await trust()) setView('browse')
  }
  if (mismatch.fromLink) {
    return (
      <Dialog title="This is not the server of the link" onCancel={dismiss} testId="fingerprint-mismatch">
        <div className="dialog-body">
          <p className="warning">
            {server} presented another certificate than the one in the link. Someone may be intercepting the
            connection, or the link is old or for another server. Nothing was sent.
          </p>
          <p>Ask the host for a fresh link, or compare the fingerprints with them.</p>
          <Compare expected={mismatch.expected} presented={mismatch.presented} expectedTitle="In the link" />
        </div>
        <div className="dialog-actions">
          <button type="button" onClick={dismiss} data-autofocus data-testid="mismatch-cancel">
            Close
          </button>
        </div>
      </Dialog>
    )
  }
  return (
    <Dialog title="The server's certificate has changed" onCancel={dismiss} testId="fingerprint-mismatch">
      <div className="dialog-body">
        <p className="warning">
          {server} presented a different certificate than the one this computer trusted before. Someone may be
          intercepting the connection, or the host reset or reinstalled Ferry. Nothing was sent.
        </p>
        <p>Compare the new fingerprint with the one the host's Ferry shows before you trust it.</p>
        <Compare expected={mismatch.expected} presented={mismatch.presented} expectedTitle="Trusted before" />
      </div>
      <div className="dialog-actions">
        <button type="button" onClick={dismiss} data-autofocus data-testid="mismatch-cancel">
          Cancel
        </button>
        <button type="button" className="danger" onClick={() => void accept()} data-testid="mismatch-trust">
          Trust the new certificate
        </button>
      </div>
    </Dialog>
  )
}

function Compare({
  expected,
  presented,
  expectedTitle,
}: {
  expected: string
  presented: string
  expectedTitle: string
}) {
  return (
    <div className="fingerprint-compare">
      <div>
        <h3>{expectedTitle}</h3>
        <pre className="fingerprint" data-testid="mismatch-expected">
          {groupFingerprint(expected)}
        </pre>
      </div>
      <div>
        <h3>Presented now</h3>
        <pre className="fingerprint" data-testid="mismatch-presented">
          {groupFingerprint(presented)}
        </pre>
      </div>
    </div>
  )
}
