// 1,000 connect/abort cycles of every kind leave the server's file descriptors and heap at their baseline.
// Measured in a child process with --expose-gc, so the test runner's own allocations do not count.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'

const CHILD = fileURLToPath(new URL('./churn-child.ts', import.meta.url))

interface ChurnReport {
  before: { fds: number; heap: number }
  after: { fds: number; heap: number }
  connected: number
  clientsLeft: number
  stillServing: boolean
  gc: boolean
}

it.skipIf(process.platform !== 'linux')(
  'leaves fds and heap at baseline after 1,000 connect/abort cycles',
  async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', CHILD, '1000'],
      {
        timeout: 120_000,
      },
    )
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as ChurnReport
    expect(report.gc).toBe(true)
    expect(report.connected).toBeGreaterThanOrEqual(1060)
    expect(report.clientsLeft).toBe(0)
    expect(report.stillServing).toBe(true)
    // A couple of descriptors of noise (a lazily opened pool thread's pipe) at most; a leak would be hundreds.
    expect(report.after.fds - report.before.fds).toBeLessThanOrEqual(3)
    // A leaked session holds buffers and closures; 1,000 of them would cost far more than 4 MiB.
    expect(report.after.heap - report.before.heap).toBeLessThan(4 * 1024 * 1024)
  },
)
