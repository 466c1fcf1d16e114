import { useEffect, useRef } from 'react'
import { formatTime } from '../../lib/format'
import { useFerry } from '../../store/context'

export function HostLog() {
  const log = useFerry((s) => s.hostLog)
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    // Keep the newest line in view, like a terminal.
    const el = ref.current
    if (el) el.scrollTop = el.scrollHeight
  }, [log])
  return (
    <div className="card">
      <h2 id="host-log-heading">Server log</h2>
      {/* The live region wraps the list: role="log" on the <ol> itself would strip its list semantics. */}
      <div
        ref={ref}
        className="log"
        role="log"
        aria-labelledby="host-log-heading"
        tabIndex={0}
        data-testid="host-log"
      >
        <ol className="log-lines">
          {log.map((line) => (
            <li key={line.id} className={`log-${line.level}`}>
              <time>{formatTime(line.time)}</time> <span className="log-level">{line.level}</span>{' '}
              {line.message}
            </li>
          ))}
        </ol>
      </div>
    </div>
  )
}
