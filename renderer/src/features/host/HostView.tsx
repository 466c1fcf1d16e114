import { useId } from 'react'
import { CheckboxField } from '../../components/CheckboxField'
import { useFerry } from '../../store/context'
import { HostAccessFields } from './HostAccessFields'
import { HostAddresses } from './HostAddresses'
import { HostClients } from './HostClients'
import { HostActivityList } from './HostActivityList'
import { HostAnnounce } from './HostAnnounce'
import { HostLog } from './HostLog'
import { HostSecurity } from './HostSecurity'
import { HostShareFields } from './HostShareFields'
import { describeError, errorCodeTitle } from '../../lib/api'

export function HostView() {
  const running = useFerry((s) => s.hostStatus.running)
  const busy = useFerry((s) => s.hostBusy)
  const port = useFerry((s) => s.hostPort)
  const startError = useFerry((s) => s.hostStartError)
  const bindAll = useFerry((s) => s.hostBindAll)
  const runningPort = useFerry((s) => s.hostStatus.port)
  const runningRoot = useFerry((s) => s.hostStatus.root)
  const setForm = useFerry((s) => s.setHostForm)
  const startHost = useFerry((s) => s.startHost)
  const stopHost = useFerry((s) => s.stopHost)
  const portId = useId()
  const switchLabelId = useId()

  const toggle = () => void (running ? stopHost() : startHost())

  return (
    <section className="view host-view" aria-labelledby="host-heading" data-testid="host-view">
      <h1 id="host-heading">Host</h1>
      <div className="card">
        <div className="switch-row">
          <span id={switchLabelId}>Host a server</span>
          <button
            type="button"
            role="switch"
            aria-checked={running}
            aria-labelledby={switchLabelId}
            aria-busy={busy}
            disabled={busy}
            className="switch"
            onClick={toggle}
            data-testid="host-toggle"
          >
            <span className="switch-thumb" aria-hidden="true" />
          </button>
          <span className="status-text" role="status" data-testid="host-state">
            {busy
              ? 'Working...'
              : running
                ? `Hosting ${runningRoot ?? ''} on port ${runningPort ?? ''}`
                : 'Not hosting'}
          </span>
        </div>
        <div className="form-grid">
          <div className="field">
            <label htmlFor={portId}>Port</label>
            <input
              id={portId}
              inputMode="numeric"
              value={port}
              disabled={running || busy}
              aria-describedby={`${portId}-hint`}
              onChange={(e) => setForm({ hostPort: e.target.value })}
              data-testid="host-port"
            />
            <span id={`${portId}-hint`} className="hint">
              0 picks a free port
            </span>
          </div>
          <HostShareFields locked={running || busy} />
          <CheckboxField
            checked={bindAll}
            disabled={running || busy}
            onChange={(checked) => setForm({ hostBindAll: checked })}
            testId="host-bind-all"
          >
            Allow network access (listen on all interfaces, not only this computer)
          </CheckboxField>
          <HostAnnounce />
          <HostAccessFields locked={running || busy} />
        </div>
        <p
          className="field-error"
          role="alert"
          data-testid="host-start-error"
          title={startError && !running ? errorCodeTitle(startError.code) : undefined}
        >
          {startError && !running ? `Could not start hosting: ${describeError(startError)}` : ''}
        </p>
      </div>
      {running && (
        <>
          <HostAddresses />
          <HostSecurity />
          <HostClients />
        </>
      )}
      <HostActivityList />
      <HostLog />
    </section>
  )
}
