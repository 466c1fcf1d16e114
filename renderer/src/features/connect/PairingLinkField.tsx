// "Paste a ferry:// link": the host's QR code or copy button gives one. The back end checks it; a good link fills
// the connect form with the server, TLS, and the certificate fingerprint to insist on.
import { useId, useState, type FormEvent } from 'react'
import { useFerry } from '../../store/context'

export function PairingLinkField() {
  const pastePairingLink = useFerry((s) => s.pastePairingLink)
  const [text, setText] = useState('')
  const inputId = useId()

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (await pastePairingLink(text)) setText('')
  }

  return (
    <form className="card pairing-link" onSubmit={(e) => void submit(e)} data-testid="pairing-link-form">
      <div className="field">
        <label htmlFor={inputId}>Paste a ferry:// link</label>
        <div className="field-row">
          <input
            id={inputId}
            value={text}
            autoComplete="off"
            spellCheck={false}
            placeholder="ferry://192.168.1.20:7420?fp=..."
            aria-describedby={`${inputId}-hint`}
            onChange={(e) => setText(e.target.value)}
            data-testid="pairing-link-input"
          />
          <button type="submit" data-testid="pairing-link-use">
            Use link
          </button>
        </div>
        <span id={`${inputId}-hint`} className="hint">
          The host shows it under its QR code. It fills in the server and the certificate to accept.
        </span>
      </div>
    </form>
  )
}
