import { memo } from 'react'
import type { TransferInfo } from '../../../../preload/api'
import { describeError } from '../../lib/api'
import { formatBytes, formatEta, formatRate } from '../../lib/format'
import { useFerry } from '../../store/context'

const STATE_LABEL: Record<TransferInfo['state'], string> = {
  queued: 'Queued',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
}

export const TransferRow = memo(function TransferRow({ id }: { id: string }) {
  const t = useFerry((s) => s.transfers[id])
  const cancel = useFerry((s) => s.cancelTransfer)
  const retry = useFerry((s) => s.retryTransfer)
  if (!t) return null
  const active = t.state === 'queued' || t.state === 'running'
  const percent =
    t.total > 0 ? Math.min(100, Math.floor((t.bytes / t.total) * 100)) : t.state === 'done' ? 100 : 0
  const label = `${t.direction === 'upload' ? 'Upload' : 'Download'} ${t.name}`
  // Stopped by Ferry closing, not by a fault: say so, and offer to resume rather than to retry.
  const interrupted = t.state === 'failed' && t.interrupted === true
  const retryWord = interrupted ? 'Resume' : 'Retry'
  return (
    <li
      className={`transfer transfer-${t.state}`}
      data-testid="transfer"
      data-state={t.state}
      data-interrupted={interrupted ? 'true' : undefined}
      data-name={t.name}
    >
      <div className="transfer-main">
        <span className="transfer-dir" aria-hidden="true">
          {t.direction === 'upload' ? '↑' : '↓'}
        </span>
        <span className="transfer-name" title={t.remotePath}>
          {t.name}
        </span>
        <span className="transfer-state" data-testid="transfer-state">
          {interrupted ? 'Interrupted' : STATE_LABEL[t.state]}
        </span>
      </div>
      <progress max={100} value={percent} aria-label={`${label} progress`} data-testid="transfer-progress" />
      <div className="transfer-meta">
        <span>
          {formatBytes(t.bytes)} of {formatBytes(t.total)} ({percent}%)
        </span>
        {t.state === 'running' && (
          <>
            <span data-testid="transfer-rate">{formatRate(t.rate)}</span>
            <span data-testid="transfer-eta">ETA {formatEta(t.total - t.bytes, t.rate)}</span>
          </>
        )}
        {t.error && t.state !== 'done' && (
          <span className="transfer-error" data-testid="transfer-error">
            {describeError(t.error)}
          </span>
        )}
      </div>
      <div className="transfer-actions">
        {active && (
          <button
            type="button"
            onClick={() => void cancel(t.id)}
            aria-label={`Cancel ${label}`}
            data-testid="transfer-cancel"
          >
            Cancel
          </button>
        )}
        {(t.state === 'failed' || t.state === 'cancelled') && (
          <button
            type="button"
            onClick={() => void retry(t.id)}
            aria-label={`${retryWord} ${label}`}
            data-testid="transfer-retry"
          >
            {retryWord}
          </button>
        )}
      </div>
    </li>
  )
})
