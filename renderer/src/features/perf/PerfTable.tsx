import { formatMs, formatRate } from '../../lib/format'
import { useFerry } from '../../store/context'

export function PerfTable() {
  const points = useFerry((s) => s.perfPoints)
  if (points.length === 0) return null
  return (
    <table className="data-table perf-table" data-testid="perf-table">
      <caption>Results (milliseconds)</caption>
      <thead>
        <tr>
          <th scope="col">Clients</th>
          <th scope="col">Requests</th>
          <th scope="col">Errors</th>
          <th scope="col">Timeouts</th>
          <th scope="col">Mean</th>
          <th scope="col">p50</th>
          <th scope="col">p95</th>
          <th scope="col">p99</th>
          <th scope="col">Max</th>
          <th scope="col">Req/s</th>
          <th scope="col">Throughput</th>
        </tr>
      </thead>
      <tbody>
        {points.map((p) => (
          <tr key={p.clients} data-testid="perf-row">
            <th scope="row">{p.clients}</th>
            <td>{p.requests}</td>
            <td>{p.errors}</td>
            <td>{p.timeouts}</td>
            <td>{formatMs(p.meanMs)}</td>
            <td>{formatMs(p.p50Ms)}</td>
            <td>{formatMs(p.p95Ms)}</td>
            <td>{formatMs(p.p99Ms)}</td>
            <td>{formatMs(p.maxMs)}</td>
            <td>{p.requestsPerSec.toFixed(1)}</td>
            {/* The engine counts decimal MB; the app shows binary units everywhere (format.ts). */}
            <td>{formatRate(p.mbPerSec * 1e6)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
