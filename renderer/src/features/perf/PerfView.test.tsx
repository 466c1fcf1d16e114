import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import type { PerfPoint } from '../../../../preload/api'
import { renderWithStore } from '../../test/render'
import { PerfView } from './PerfView'

// The canvas chart needs a real canvas; the option it is given is tested in perf-chart-option.test.ts.
vi.mock('./PerfChart', () => ({
  PerfChart: ({ points }: { points: PerfPoint[] }) => (
    <div
      data-testid="perf-chart"
      data-points={points.map((p) => `${p.clients}:${p.meanMs}:${p.p50Ms}:${p.p99Ms}`).join(',')}
    />
  ),
}))

const point = (clients: number, ms: number): PerfPoint => ({
  clients,
  requests: 20,
  errors: 0,
  timeouts: 0,
  meanMs: ms,
  p50Ms: ms - 1,
  p95Ms: ms + 1,
  p99Ms: ms + 2,
  maxMs: ms + 3,
  requestsPerSec: 500,
  mbPerSec: 12.5,
})

describe('PerfView', () => {
  it('runs with the chosen options and draws points as they arrive', async () => {
    const user = userEvent.setup()
    const { api } = renderWithStore(<PerfView />)
    await user.click(screen.getByTestId('perf-clients-8'))
    await user.click(screen.getByTestId('perf-clients-16'))
    await user.selectOptions(screen.getByLabelText('Request size'), '1 KiB')
    const requests = screen.getByLabelText('Requests per step')
    await user.clear(requests)
    await user.type(requests, '20')
    await user.selectOptions(screen.getByLabelText('Mix'), 'mixed')
    expect(screen.getByTestId('perf-target-connected')).toBeDisabled()
    await user.click(screen.getByRole('button', { name: 'Run' }))
    expect(api.callsOf('startPerf')).toEqual([
      [{ clientCounts: [1, 2, 4, 16], sizeBytes: 1024, requests: 20, mix: 'mixed', target: 'local' }],
    ])
    expect(screen.getByRole('button', { name: 'Run' })).toBeDisabled()
    const runId = 'run-1'
    api.perf.emit({ type: 'progress', runId, clients: 2, done: 5, total: 20 })
    api.perf.emit({ type: 'point', runId, point: point(2, 4) })
    api.perf.emit({ type: 'point', runId, point: point(1, 3) })
    expect(await screen.findAllByTestId('perf-row')).toHaveLength(2)
    expect(screen.getByTestId('perf-chart')).toHaveAttribute('data-points', '1:3:2:5,2:4:3:6')
    api.perf.emit({ type: 'done', runId, points: [point(1, 3), point(2, 4), point(4, 6), point(16, 20)] })
    expect(await screen.findByText('Done: 4 steps')).toBeInTheDocument()
    const rows = screen.getAllByTestId('perf-row')
    expect(rows.map((r) => within(r).getByRole('rowheader').textContent)).toEqual(['1', '2', '4', '16'])
    expect(rows[3]).toHaveTextContent('20.0')
    expect(screen.getByTestId('perf-export-csv')).toBeEnabled()
  })

  it('cancels a run and shows failures readably', async () => {
    const user = userEvent.setup()
    const { api } = renderWithStore(<PerfView />)
    await user.click(screen.getByRole('button', { name: 'Run' }))
    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(api.callsOf('cancelPerf')).toHaveLength(1)
    expect(screen.getByTestId('perf-status')).toHaveTextContent('Cancelled')
    await user.click(screen.getByRole('button', { name: 'Run' }))
    api.perf.emit({
      type: 'failed',
      runId: 'run-2',
      error: { code: 'CONNECTION_FAILED', message: 'server went away' },
    })
    expect(
      await screen.findByText(
        'Failed: server went away — check that the server is running and that the host and port are right',
      ),
    ).toBeInTheDocument()
  })
})
