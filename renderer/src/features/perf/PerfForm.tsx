import { useId } from 'react'
import type { PerfOptions } from '../../../../preload/api'
import { useFerry } from '../../store/context'
import { CLIENT_COUNT_CHOICES } from '../../store/perf-slice'

const SIZE_CHOICES = [
  { bytes: 1024, label: '1 KiB' },
  { bytes: 16 * 1024, label: '16 KiB' },
  { bytes: 64 * 1024, label: '64 KiB' },
  { bytes: 256 * 1024, label: '256 KiB' },
  { bytes: 1024 * 1024, label: '1 MiB' },
  { bytes: 4 * 1024 * 1024, label: '4 MiB' },
]

export function PerfForm() {
  const options = useFerry((s) => s.perfOptions)
  const running = useFerry((s) => s.perfState === 'running')
  const connected = useFerry((s) => s.connection.state === 'connected')
  const setOptions = useFerry((s) => s.setPerfOptions)
  const toggle = useFerry((s) => s.toggleClientCount)
  const sizeId = useId()
  const requestsId = useId()
  const mixId = useId()

  return (
    <div className="card perf-form" data-testid="perf-form">
      <fieldset disabled={running}>
        <legend>Concurrent clients</legend>
        <div className="checkbox-row">
          {CLIENT_COUNT_CHOICES.map((count) => (
            <label key={count} className="checkbox-chip">
              <input
                type="checkbox"
                checked={options.clientCounts.includes(count)}
                onChange={() => toggle(count)}
                data-testid={`perf-clients-${count}`}
              />
              {count}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={sizeId}>Request size</label>
          <select
            id={sizeId}
            value={options.sizeBytes}
            disabled={running}
            onChange={(e) => setOptions({ sizeBytes: Number(e.target.value) })}
            data-testid="perf-size"
          >
            {SIZE_CHOICES.map((c) => (
              <option key={c.bytes} value={c.bytes}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={requestsId}>Requests per step</label>
          <input
            id={requestsId}
            type="number"
            min={1}
            max={1_000_000}
            value={options.requests}
            disabled={running}
            onChange={(e) => setOptions({ requests: Math.max(0, Math.floor(Number(e.target.value) || 0)) })}
            data-testid="perf-requests"
          />
        </div>
        <div className="field">
          <label htmlFor={mixId}>Mix</label>
          <select
            id={mixId}
            value={options.mix}
            disabled={running}
            onChange={(e) => setOptions({ mix: e.target.value as PerfOptions['mix'] })}
            data-testid="perf-mix"
          >
            <option value="get">GET (download)</option>
            <option value="post">POST (upload)</option>
            <option value="mixed">Mixed</option>
          </select>
        </div>
        <fieldset className="field" disabled={running}>
          <legend>Target</legend>
          <label>
            <input
              type="radio"
              name="perf-target"
              checked={options.target === 'local'}
              onChange={() => setOptions({ target: 'local' })}
              data-testid="perf-target-local"
            />
            Local test server
          </label>
          <label>
            <input
              type="radio"
              name="perf-target"
              checked={options.target === 'connected'}
              disabled={!connected}
              onChange={() => setOptions({ target: 'connected' })}
              data-testid="perf-target-connected"
            />
            Connected server{connected ? '' : ' (not connected)'}
          </label>
        </fieldset>
      </div>
    </div>
  )
}
