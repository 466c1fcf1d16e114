// "Nearby": Ferry hosts announcing themselves on the LAN, live while the Connect view is open. Picking one fills
// the form; an announced fingerprint becomes the certificate the connection requires (checked, never trusted).
import { useEffect } from 'react'
import type { NearbyHost } from '../../../../preload/api'
import { useFerry } from '../../store/context'

function address(h: NearbyHost): string {
  return h.host.includes(':') ? `[${h.host}]:${h.port}` : `${h.host}:${h.port}`
}

export function NearbyHosts() {
  const hosts = useFerry((s) => s.nearbyHosts)
  const startNearby = useFerry((s) => s.startNearby)
  const stopNearby = useFerry((s) => s.stopNearby)
  const pick = useFerry((s) => s.pickNearby)

  useEffect(() => {
    void startNearby()
    return () => {
      void stopNearby()
    }
  }, [startNearby, stopNearby])

  const sorted = [...hosts].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
  return (
    <section className="card nearby" aria-labelledby="nearby-heading" data-testid="nearby">
      <h2 id="nearby-heading">Nearby</h2>
      {sorted.length === 0 ? (
        <p className="hint" data-testid="nearby-empty">
          Looking for Ferry hosts on this network (hosts that allow network access announce themselves)...
        </p>
      ) : (
        <ul className="nearby-list" data-testid="nearby-list">
          {sorted.map((h) => (
            <li key={h.id}>
              <button
                type="button"
                onClick={() => pick(h)}
                aria-label={`Use ${h.name} at ${address(h)}`}
                data-testid="nearby-host"
              >
                <strong>{h.name}</strong> <span>{address(h)}</span>{' '}
                <span className="hint">
                  {h.tls ? 'TLS' : 'no TLS'}, {h.tokenRequired ? 'token required' : 'no token'}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
