import { formatBytes } from '../../lib/format'
import { useFerry } from '../../store/context'

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
            <li key={a.key} className={`activity activity-${a.state}`} data-testid="host-activity-item">
              <span className="activity-dir">{a.direction === 'upload' ? '↑' : '↓'}</span>
              <span className="activity-path">{a.path}</span>
              <progress
                max={a.total || 1}
                value={a.state === 'done' ? a.total || 1 : a.bytes}
                aria-label={`${a.path} progress`}
              />
              <span className="activity-state">
                {a.state === 'failed'
                  ? (a.error ?? 'failed')
                  : `${formatBytes(a.bytes)} of ${formatBytes(a.total)} · ${a.state}`}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
