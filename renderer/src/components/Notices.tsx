// Errors and confirmations, announced to screen readers (alert for errors, polite status for the rest).
import { useEffect } from 'react'
import { useFerry } from '../store/context'

const INFO_LIFETIME_MS = 6000

export function Notices() {
  const notices = useFerry((s) => s.notices)
  const dismiss = useFerry((s) => s.dismissNotice)
  // Confirmations fade on their own; errors stay until dismissed so they can be read.
  useEffect(() => {
    const timers = notices
      .filter((n) => n.kind === 'info')
      .map((n) => setTimeout(() => dismiss(n.id), INFO_LIFETIME_MS))
    return () => timers.forEach(clearTimeout)
  }, [notices, dismiss])
  return (
    <div className="notices" data-testid="notices">
      <div role="alert" aria-live="assertive">
        {notices
          .filter((n) => n.kind === 'error')
          .map((n) => (
            <div key={n.id} className="notice notice-error" data-testid="notice-error">
              <span>{n.text}</span>
              <button type="button" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
                ×
              </button>
            </div>
          ))}
      </div>
      <div role="status" aria-live="polite">
        {notices
          .filter((n) => n.kind === 'info')
          .map((n) => (
            <div key={n.id} className="notice notice-info" data-testid="notice-info">
              <span>{n.text}</span>
              <button type="button" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
                ×
              </button>
            </div>
          ))}
      </div>
    </div>
  )
}
