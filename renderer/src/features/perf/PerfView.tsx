import { useRef } from 'react'
import { describeError, errorCodeTitle } from '../../lib/api'
import { dataUrlToBlob, saveBlob } from '../../lib/save-file'
import { useFerry } from '../../store/context'
import { PerfChart, type PerfChartHandle } from './PerfChart'
import { PerfForm } from './PerfForm'
import { PerfTable } from './PerfTable'
import { perfToCsv, perfToSvg } from './perf-export'

const EXPORT_FORMATS = ['csv', 'png', 'svg'] as const
type ExportFormat = (typeof EXPORT_FORMATS)[number]

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)
}

export function PerfView() {
  const state = useFerry((s) => s.perfState)
  const progress = useFerry((s) => s.perfProgress)
  const points = useFerry((s) => s.perfPoints)
  const error = useFerry((s) => s.perfError)
  const start = useFerry((s) => s.startPerf)
  const cancel = useFerry((s) => s.cancelPerf)
  const notify = useFerry((s) => s.notify)
  const chart = useRef<PerfChartHandle>(null)
  const running = state === 'running'

  const exportAs = (format: ExportFormat) => {
    const name = `ferry-perf-${stamp()}.${format}`
    if (format === 'csv') saveBlob(new Blob([perfToCsv(points)], { type: 'text/csv' }), name)
    else if (format === 'svg') saveBlob(new Blob([perfToSvg(points)], { type: 'image/svg+xml' }), name)
    else {
      const url = chart.current?.toPngDataUrl()
      if (url) saveBlob(dataUrlToBlob(url), name)
      else notify('error', 'The chart is not ready to export yet.')
    }
  }

  let status = ''
  if (running)
    status = progress
      ? `Running: ${progress.clients} clients, ${progress.done} of ${progress.total} requests`
      : 'Starting...'
  else if (state === 'done') status = `Done: ${points.length} step${points.length === 1 ? '' : 's'}`
  else if (state === 'cancelled') status = 'Cancelled'
  else if (state === 'failed' && error) status = `Failed: ${describeError(error)}`

  return (
    <section className="view perf-view" aria-labelledby="perf-heading" data-testid="perf-view">
      <h1 id="perf-heading">Performance test</h1>
      <PerfForm />
      <div className="toolbar">
        <button
          type="button"
          className="primary"
          disabled={running}
          onClick={() => void start()}
          data-testid="perf-run"
        >
          Run
        </button>
        <button type="button" disabled={!running} onClick={() => void cancel()} data-testid="perf-cancel">
          Cancel
        </button>
        <span
          className="toolbar-status"
          role="status"
          aria-live="polite"
          data-testid="perf-status"
          data-state={state}
          title={state === 'failed' && error ? errorCodeTitle(error.code) : undefined}
        >
          {status}
        </span>
        {running && progress && progress.total > 0 && (
          <progress max={progress.total} value={progress.done} aria-label="Current step progress" />
        )}
      </div>
      <PerfChart ref={chart} points={points} />
      <div className="toolbar">
        {EXPORT_FORMATS.map((format) => (
          <button
            key={format}
            type="button"
            disabled={points.length === 0}
            onClick={() => exportAs(format)}
            data-testid={`perf-export-${format}`}
          >
            {`Export ${format.toUpperCase()}`}
          </button>
        ))}
      </div>
      <PerfTable />
    </section>
  )
}
