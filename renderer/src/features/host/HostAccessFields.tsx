// The host form's access settings: an access token (generated, or a PIN or password the host chooses), TLS and
// read-only. Locked while the server runs; they apply when hosting starts.
import { useId } from 'react'
import { CheckboxField } from '../../components/CheckboxField'
import { generateAccessToken } from '../../lib/access-token'
import { useCopyText } from '../../lib/use-copy-text'
import { useFerry } from '../../store/context'

export function HostAccessFields({ locked }: { locked: boolean }) {
  const requireToken = useFerry((s) => s.hostRequireToken)
  const token = useFerry((s) => s.hostToken)
  const tls = useFerry((s) => s.hostTls)
  const readOnly = useFerry((s) => s.hostReadOnly)
  const web = useFerry((s) => s.hostWeb)
  const webPort = useFerry((s) => s.hostWebPort)
  const webPortId = useId()
  const setForm = useFerry((s) => s.setHostForm)
  const { copied, copy, clearCopied } = useCopyText()
  const tokenId = useId()

  const toggleToken = (on: boolean) =>
    setForm(
      on && token.trim() === ''
        ? { hostRequireToken: on, hostToken: generateAccessToken() }
        : { hostRequireToken: on },
    )

  return (
    <>
      <CheckboxField
        checked={tls}
        disabled={locked}
        onChange={(checked) => setForm({ hostTls: checked })}
        testId="host-tls"
      >
        Encrypt with TLS (clients compare the certificate fingerprint once)
      </CheckboxField>
      <CheckboxField
        checked={requireToken}
        disabled={locked}
        onChange={toggleToken}
        testId="host-require-token"
      >
        Require access token
      </CheckboxField>
      {requireToken && (
        <div className="field">
          <label htmlFor={tokenId}>Access token, PIN or password</label>
          <div className="field-row">
            <input
              id={tokenId}
              value={token}
              autoComplete="off"
              spellCheck={false}
              disabled={locked}
              aria-describedby={`${tokenId}-hint`}
              onChange={(e) => {
                clearCopied()
                setForm({ hostToken: e.target.value })
              }}
              data-testid="host-token"
            />
            <button
              type="button"
              disabled={locked}
              onClick={() => {
                clearCopied()
                setForm({ hostToken: generateAccessToken() })
              }}
              data-testid="host-token-generate"
            >
              Generate
            </button>
            <button
              type="button"
              disabled={token === ''}
              onClick={() => void copy(token)}
              data-testid="host-token-copy"
            >
              Copy
            </button>
          </div>
          <span id={`${tokenId}-hint`} className="hint" role="status">
            {copied !== null
              ? 'Copied the token'
              : 'Kept across restarts until you click Generate. A generated token is far harder to guess than a PIN.'}
          </span>
        </div>
      )}
      <CheckboxField
        checked={readOnly}
        disabled={locked}
        onChange={(checked) => setForm({ hostReadOnly: checked })}
        testId="host-read-only"
      >
        Read-only (clients can download but not change anything)
      </CheckboxField>
      <CheckboxField
        checked={web}
        disabled={locked}
        onChange={(checked) => setForm({ hostWeb: checked })}
        testId="host-web"
      >
        Let browsers in (a web page for devices without Ferry, same token and TLS)
      </CheckboxField>
      {web && (
        <div className="field">
          <label htmlFor={webPortId}>Port for browsers</label>
          <input
            id={webPortId}
            value={webPort}
            inputMode="numeric"
            disabled={locked}
            onChange={(e) => setForm({ hostWebPort: e.target.value })}
            data-testid="host-web-port"
          />
        </div>
      )}
    </>
  )
}
