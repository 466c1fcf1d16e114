// The columns every report shows, in one place so the table, the CSV and the JSON agree.
import type { PerfPoint } from '../../preload/api'

export interface Column {
  key: keyof PerfPoint
  header: string
  /** Short label for the terminal table. */
  label: string
}

export const COLUMNS: readonly Column[] = [
  { key: 'clients', header: 'clients', label: 'clients' },
  { key: 'requests', header: 'requests', label: 'ok' },
  { key: 'errors', header: 'errors', label: 'err' },
  { key: 'timeouts', header: 'timeouts', label: 'tmo' },
  { key: 'meanMs', header: 'mean_ms', label: 'mean ms' },
  { key: 'p50Ms', header: 'p50_ms', label: 'p50 ms' },
  { key: 'p95Ms', header: 'p95_ms', label: 'p95 ms' },
  { key: 'p99Ms', header: 'p99_ms', label: 'p99 ms' },
  { key: 'maxMs', header: 'max_ms', label: 'max ms' },
  { key: 'requestsPerSec', header: 'requests_per_sec', label: 'req/s' },
  { key: 'mbPerSec', header: 'mb_per_sec', label: 'MB/s' },
]
