// The certificate a pairing link requires, shown in the connect form so the user sees what will be insisted on.
import { groupFingerprint } from '../../lib/fingerprint'
import { useFerry } from '../../store/context'

export function PinnedFingerprint() {
  const fingerprint = useFerry((s) => s.connectFingerprint)
  const setForm = useFerry((s) => s.setConnectForm)
  // A fingerprint picked from the Nearby list was announced on the network: a hint that the connection checks.
  const announced = useFerry((s) => s.nearbyPicked?.fingerprint === s.connectFingerprint)
  if (!fingerprint) return null
  return (
    <div className="field pinned-fingerprint" data-testid="connect-pinned">
      <span id="connect-pinned-label">
        Certificate required ({announced ? 'as announced on the network' : 'from the link'})
      </span>
      <pre className="fingerprint" aria-labelledby="connect-pinned-label" data-testid="connect-fingerprint">
        {groupFingerprint(fingerprint)}
      </pre>
      <span className="hint">Only a server presenting exactly this certificate is accepted.</span>
      <div>
        <button
          type="button"
          onClick={() => setForm({ connectFingerprint: null })}
          data-testid="connect-pinned-clear"
        >
          Don't require it
        </button>
      </div>
    </div>
  )
}
