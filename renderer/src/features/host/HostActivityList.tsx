import { formatBytes, formatCount } from '../../lib/format'
import { useFerry } from '../../store/context'
import type { HostActivity } from '../../store/host-slice'

/** A run of files is shown by its folder ('' is the share root). */
const folderLabel = (path: string) => (path === '' ? 'share root' : `${path}/`)

/** The line under an entry: outcome or bytes, or for a run of small files how many and how many failed. */
function describe(a: HostActivity): string {
  if (a.files) {
    const failed = a.files.failed > 0 ? `, ${formatCount(a.files.failed)} failed` : ''
    const how = a.state === 'done' ? 'done' : 'so far'
    return `${formatCount(a.files.settled)} files, ${formatBytes(a.bytes)}${failed} · ${how}`
  }
  if (a.state === 'failed') return a.error ?? 'failed'
  return `${formatBytes(a.bytes)} of ${formatBytes(a.total)} · ${a.state}`
}

export function HostActivityList() {
  const activity = useFerry((s) => s.hostActivity)
  return (
    <div className="card">
      <h2>Transfer activity</h2>
      {activity.length === 0 ? (
        <p className="empty">No transfers yet.</p>
      ) : (
        <ul className="activity-list" data-testid="host-activity">
          {activity.map((a) => (
            <li
              key={a.key}
              className={`activity activity-${a.state}`}
              data-testid="host-activity-item"
              data-kind={a.files ? 'files' : 'file'}
            >
              <span className="activity-dir">{a.direction === 'upload' ? '↑' : '↓'}</span>
              <span className="activity-path">{a.files ? folderLabel(a.path) : a.path}</span>
              {a.files ? (
                // A run of files has no total to measure against: busy until done.
                <progress
                  {...(a.state === 'done' ? { max: 1, value: 1 } : {})}
                  aria-label={`files in ${folderLabel(a.path)} progress`}
                />
              ) : (
                <progress
                  max={a.total || 1}
                  value={a.state === 'done' ? a.total || 1 : a.bytes}
                  aria-label={`${a.path} progress`}
                />
              )}
              <span className="activity-state">{describe(a)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
