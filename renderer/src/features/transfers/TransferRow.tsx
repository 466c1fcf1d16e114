// One job in the transfers list: a file, or a whole folder with its files counted (done of total, failed),
// bytes, rate and ETA over the job, Cancel or Retry/Resume for the job as a whole, and an expander that lists
// its files (TransferFiles). A browser-mode upload first shows its files being sent to Ferry ('Sending to
// Ferry', counted from the first byte the page sends), then the upload itself ('Uploading', from 0 again). Rows have fixed heights so the panel's virtualizer can place them without measuring:
// the meta line may wrap twice, the error line is cut with an ellipsis (its full text is in the tooltip and, for a
// folder, in the expander).
import { memo } from 'react'
import type { TransferFileCounts, TransferInfo } from '../../../../preload/api'
import { describeError, errorCodeTitle } from '../../lib/api'
import { formatBytes, formatCount, formatDuration, formatEta, formatRate } from '../../lib/format'
import { useFerry } from '../../store/context'
import { FILES_PANEL_HEIGHT, TransferFiles } from './TransferFiles'

/** Height of a job row; the list leaves ROW_GAP between rows. */
export const ROW_HEIGHT = 142
export const ROW_GAP = 8

const STATE_LABEL: Record<Exclude<TransferInfo['state'], 'running'>, string> = {
  queued: 'Queued',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
}

function stateLabel(t: TransferInfo, interrupted: boolean): string {
  if (interrupted) return 'Interrupted'
  if (t.state !== 'running') return STATE_LABEL[t.state]
  if (t.phase === 'sending') return 'Sending to Ferry'
  return t.direction === 'upload' ? 'Uploading' : 'Downloading'
}

/** "in 12 s · 4.10 MiB/s average": how long a finished transfer took, and its average speed over that time. */
function finishedSummary(bytes: number, ms: number): string {
  if (!(ms > 0)) return 'at once'
  return `in ${ms < 1000 ? '< 1 s' : formatDuration(ms / 1000)} · ${formatRate((bytes * 1000) / ms)} average`
}

export function rowHeight(expanded: boolean): number {
  return ROW_HEIGHT + (expanded ? FILES_PANEL_HEIGHT : 0)
}

function percentOf(t: TransferInfo): number {
  if (t.total > 0) return Math.min(100, Math.floor((t.bytes / t.total) * 100))
  // A folder download knows its file count before its byte count adds up.
  const files = t.files
  if (files && files.total > 0) {
    return Math.min(100, Math.floor(((files.done + files.skipped + files.failed) / files.total) * 100))
  }
  return t.state === 'done' ? 100 : 0
}

/**
 * Files done (or already there) of the job's total, and how many failed; the total is unknown while listing,
 * and while the files are being sent to Ferry none is done yet: just how many there are.
 */
function FileCounts({
  files,
  listing,
  sending,
}: {
  files: TransferFileCounts
  listing: boolean
  sending: boolean
}) {
  if (listing) return <span data-testid="transfer-files">Listing the folder...</span>
  if (sending) return <span data-testid="transfer-files">{formatCount(files.total)} files</span>
  return (
    <span data-testid="transfer-files">
      {formatCount(files.done + files.skipped)} / {formatCount(files.total)} files
      {files.failed > 0 && (
        <span className="transfer-failed-count"> · {formatCount(files.failed)} failed</span>
      )}
    </span>
  )
}

interface TransferRowProps {
  id: string
  expanded: boolean
  onToggle(id: string): void
  /** Offset in the virtual list, px (a number, not a style object, so the memo holds across list renders). */
  top: number
}

export const TransferRow = memo(function TransferRow({ id, expanded, onToggle, top }: TransferRowProps) {
  const t = useFerry((s) => s.transfers[id])
  const cancel = useFerry((s) => s.cancelTransfer)
  const retry = useFerry((s) => s.retryTransfer)
  if (!t) return null
  const active = t.state === 'queued' || t.state === 'running'
  const percent = percentOf(t)
  const folder = t.files !== undefined
  const label = `${t.direction === 'upload' ? 'Upload' : 'Download'} ${t.name}`
  // Stopped by Ferry closing, not by a fault: say so, and offer to resume rather than to retry.
  const interrupted = t.state === 'failed' && t.interrupted === true
  const retryWord = interrupted ? 'Resume' : 'Retry'
  // Stopped while its files were still being sent to Ferry: nothing here to retry from.
  const sending = t.phase === 'sending'
  const canRetry = (t.state === 'failed' || t.state === 'cancelled') && !sending
  const filesPanelId = `transfer-files-${id}`
  return (
    <li
      className={`transfer transfer-${t.state}${folder ? ' transfer-folder' : ''}`}
      style={{ transform: `translateY(${top}px)`, height: rowHeight(expanded) }}
      data-testid="transfer"
      data-state={t.state}
      data-kind={folder ? 'folder' : 'file'}
      data-interrupted={interrupted ? 'true' : undefined}
      data-phase={t.phase}
      data-name={t.name}
    >
      <div className="transfer-main">
        <span className="transfer-dir" aria-hidden="true">
          {t.direction === 'upload' ? '↑' : '↓'}
        </span>
        {folder && <span aria-hidden="true" className="file-icon icon-dir" />}
        <span className="transfer-name" title={t.remotePath}>
          {t.name}
          {folder && <span className="visually-hidden"> (folder)</span>}
        </span>
        <span className="transfer-state" data-testid="transfer-state">
          {stateLabel(t, interrupted)}
        </span>
      </div>
      <progress max={100} value={percent} aria-label={`${label} progress`} data-testid="transfer-progress" />
      <div className="transfer-meta">
        {t.files && <FileCounts files={t.files} listing={active && t.files.total === 0} sending={sending} />}
        {!(t.files && t.total === 0 && active && !sending) && (
          <span data-testid="transfer-bytes">
            {formatBytes(t.bytes)} of {formatBytes(t.total)}
            {sending && ' sent to Ferry'} ({percent}%)
          </span>
        )}
        {t.state === 'done' && t.finishedAt !== null && (
          <span data-testid="transfer-summary">{finishedSummary(t.bytes, t.finishedAt - t.startedAt)}</span>
        )}
        {t.state === 'running' && t.total > 0 && (
          <>
            <span data-testid="transfer-rate">{formatRate(t.rate)}</span>
            <span data-testid="transfer-eta">ETA {formatEta(t.total - t.bytes, t.rate)}</span>
          </>
        )}
      </div>
      {t.error && t.state !== 'done' && (
        <div
          className="transfer-error"
          data-testid="transfer-error"
          title={`${describeError(t.error)}\n${errorCodeTitle(t.error.code)}`}
        >
          {describeError(t.error)}
        </div>
      )}
      <div className="transfer-actions">
        {folder && (
          <button
            type="button"
            aria-expanded={expanded}
            aria-controls={expanded ? filesPanelId : undefined}
            onClick={() => onToggle(id)}
            aria-label={`${expanded ? 'Hide' : 'Show'} files of ${label}`}
            data-testid="transfer-expand"
          >
            {expanded ? 'Hide files' : 'Files'}
          </button>
        )}
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
        {canRetry && (
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
      {expanded && <TransferFiles id={id} panelId={filesPanelId} />}
    </li>
  )
})
