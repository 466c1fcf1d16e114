// Ferry's two CLI measurements of the many-files section: the CLI's code path in this process (FerryClient's
// downloadTree / uploadTree, as main/cli/ops.ts calls them) and the real `ferry get` / `ferry put` command as a
// child process, timed from spawn to exit (start-up included: that is what a user waits for).
import { fileURLToPath } from 'node:url'
import { FerryClient } from '../../main/client'
import { describeFailure, runTimed } from './timed-command'

export type TreeTransfer =
  | { direction: 'download'; remote: string; localDir: string }
  | { direction: 'upload'; localPath: string; remoteDir: string }

export interface WayRun {
  ms: number
  /** performance.now() of each per-file event, when the API under test reports files one by one. */
  fileTimes: number[]
}

const FERRY_BIN = fileURLToPath(new URL('../../bin/ferry.mjs', import.meta.url))
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/**
 * One tree transfer through FerryClient, connect to close. Only the settling of the promise is used: the tree
 * methods are moving from TransferResult[] to a job result (main/client/job-types.ts), and the caller checks the
 * destination on disk instead.
 */
export async function ferryCodePathRun(
  port: number,
  transfer: TreeTransfer,
  limitMs: number,
): Promise<WayRun> {
  const signal = AbortSignal.timeout(limitMs)
  const fileTimes: number[] = []
  // `onFile` is the job API's per-file callback (JobOptions); the current tree methods ignore the extra property.
  // Not an object literal at the call, so either signature accepts it.
  const options = {
    signal,
    onFile: (_outcome: unknown): void => {
      fileTimes.push(performance.now())
    },
  }
  const t0 = performance.now()
  const client = await FerryClient.connect({ host: '127.0.0.1', port, signal })
  try {
    if (transfer.direction === 'download')
      await client.downloadTree(transfer.remote, transfer.localDir, options)
    else await client.uploadTree(transfer.localPath, transfer.remoteDir, options)
    return { ms: performance.now() - t0, fileTimes }
  } finally {
    await client.close()
  }
}

/** `node bin/ferry.mjs get|put ...` against 127.0.0.1; FERRY_DATA_DIR keeps the user's own settings untouched. */
export async function ferryCommandRun(
  port: number,
  transfer: TreeTransfer,
  limitMs: number,
  dataDir: string,
): Promise<WayRun> {
  const address = `127.0.0.1:${port}`
  const args =
    transfer.direction === 'download'
      ? ['get', address, transfer.remote, transfer.localDir]
      : ['put', address, transfer.localPath, '--to', transfer.remoteDir]
  const run = await runTimed(process.execPath, [FERRY_BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, FERRY_DATA_DIR: dataDir },
    timeoutMs: limitMs,
  })
  if (run.code !== 0 || run.timedOut) throw new Error(`ferry ${args[0]}: ${describeFailure(run, limitMs)}`)
  return { ms: run.ms, fileTimes: [] }
}
