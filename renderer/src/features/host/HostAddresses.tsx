import { useCopyText } from '../../lib/use-copy-text'
import { useFerry } from '../../store/context'

export function HostAddresses() {
  const addresses = useFerry((s) => s.hostStatus.addresses)
  const webAddresses = useFerry((s) => s.hostStatus.webAddresses)
  const { copied, copy } = useCopyText()
  return (
    <div className="card">
      <h2>Reachable at</h2>
      <ul className="address-list" data-testid="host-addresses">
        {addresses.map((address) => (
          <li key={address}>
            <input
              readOnly
              value={address}
              aria-label={`Address ${address}`}
              onFocus={(e) => e.target.select()}
              data-testid="host-address"
            />
            <button type="button" onClick={() => void copy(address)} aria-label={`Copy ${address}`}>
              Copy
            </button>
          </li>
        ))}
      </ul>
      {webAddresses && webAddresses.length > 0 && (
        <>
          <h3>Browsers open</h3>
          <ul className="address-list" data-testid="host-web-addresses">
            {webAddresses.map((address) => (
              <li key={address}>
                <input
                  readOnly
                  value={address}
                  aria-label={`Web address ${address}`}
                  onFocus={(e) => e.target.select()}
                  data-testid="host-web-address"
                />
                <button type="button" onClick={() => void copy(address)} aria-label={`Copy ${address}`}>
                  Copy
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <p className="hint" role="status">
        {copied ? `Copied ${copied}` : ''}
      </p>
    </div>
  )
}
