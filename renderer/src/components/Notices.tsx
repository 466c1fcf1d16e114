// Errors and confirmations, announced to screen readers (alert for errors, polite status for the rest).
import { useEffect } from 'react'
import { errorCodeTitle } from '../lib/error-text'
import type { Notice } from '../store/app-slice'
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
        <NoticeItems notices={notices} kind="error" dismiss={dismiss} />
      </div>
      <div role="status" aria-live="polite">
        <NoticeItems notices={notices} kind="info" dismiss={dismiss} />
      </div>
    </div>
  )
}

function NoticeItems({
  notices,
  kind,
  dismiss,
}: {
  notices: Notice[]
  kind: Notice['kind']
  dismiss(id: number): void
}) {
  return notices
    .filter((n) => n.kind === kind)
    .map((n) => (
      <div key={n.id} className={`notice notice-${kind}`} data-testid={`notice-${kind}`}>
        <span title={n.code ? errorCodeTitle(n.code) : undefined} data-error-code={n.code}>
          {n.text}
        </span>
        <button type="button" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
          ×
        </button>
      </div>
    ))
}
