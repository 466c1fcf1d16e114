// The app's side of the many-files section: the same transfers through FerryService, the back end the window's
// Upload and Download buttons call (main/ipc). Uses only the service's public surface (the download and
// uploadFiles handlers, transfers.idle() and list(), clearFinishedTransfers, 'transfer' events), which held both
// for the per-file queue and for the folder jobs being built while this was written; if that surface moves, this
// file is the one place to adapt.
import { realBackends } from '../../main/ipc/backends'
import { FerryService } from '../../main/ipc/ferry-service'
import type { IpcResult } from '../../preload/api'
import type { WayRun } from './many-ferry'

export class ServiceWay {
  private doneTimes: number[] | null = null
  private stopped: string | null = null

  private constructor(private readonly service: FerryService) {
    service.events.on('transfer', ({ transfer }) => {
      // A file job's end is one file's end. A folder job (the rework) reports no per-file events: its one 'done'
      // is not a file's, so it is left out rather than passed off as one.
      const folderJob = 'files' in transfer && transfer.files !== undefined
      if (transfer.state === 'done' && !folderJob) this.doneTimes?.push(performance.now())
    })
  }

  /** A service with its own data folder (transfer journal, trust store), connected to the bench's server. */
  static async start(port: number, dataDir: string): Promise<ServiceWay> {
    const service = new FerryService({ mode: 'browser', version: 'bench', backends: realBackends, dataDir })
    try {
      expectOk(await service.handlers.connect({ host: '127.0.0.1', port }), 'connect')
      return new ServiceWay(service)
    } catch (e: unknown) {
      await service.dispose()
      throw e
    }
  }

  /** The Download button on one remote folder: it lands in `localDir/<its name>`. */
  download(remote: string, localDir: string, limitMs: number): Promise<WayRun> {
    return this.timed(limitMs, () => this.service.handlers.download([remote], localDir))
  }

  /** A dropped folder: every file with its path relative to the drop, into `remoteDir`. */
  upload(
    files: ReadonlyArray<{ localPath: string; relativePath: string }>,
    remoteDir: string,
    limitMs: number,
  ): Promise<WayRun> {
    return this.timed(limitMs, () => this.service.handlers.uploadFiles(files, remoteDir))
  }

  async dispose(): Promise<void> {
    this.stopped ??= 'disposed'
    await this.service.dispose()
  }

  private async timed(limitMs: number, start: () => Promise<IpcResult<unknown>>): Promise<WayRun> {
    if (this.stopped) throw new Error(`the service was stopped earlier (${this.stopped})`)
    const doneTimes: number[] = []
    this.doneTimes = doneTimes
    const t0 = performance.now()
    try {
      expectOk(await start(), 'enqueue')
      let timer: NodeJS.Timeout | undefined
      const overLimit = new Promise<'limit'>(
        (resolve) => (timer = setTimeout(() => resolve('limit'), limitMs)),
      )
      const ended = await Promise.race([this.service.transfers.idle().then(() => 'idle' as const), overLimit])
      clearTimeout(timer)
      if (ended === 'limit') {
        // Disposing cancels whatever is still queued or running; later service runs are reported as not measured.
        this.stopped = `a run did not finish in ${Math.round(limitMs / 1000)} s`
        await this.service.dispose()
        throw new Error(this.stopped)
      }
      const ms = performance.now() - t0
      const failed = this.service.transfers.list().filter((t) => t.state !== 'done')
      if (failed.length > 0) {
        const first = failed[0]
        throw new Error(
          `${failed.length} transfers did not finish (first: ${first?.remotePath} ${first?.state}` +
            `${first?.error ? `, ${first.error.code}: ${first.error.message}` : ''})`,
        )
      }
      return { ms, fileTimes: doneTimes }
    } finally {
      this.doneTimes = null
      // The list and the journal would otherwise grow by a whole set per run and slow the next one down.
      if (!this.stopped) await this.service.handlers.clearFinishedTransfers()
    }
  }
}

function expectOk(result: IpcResult<unknown>, what: string): void {
  if (!result.ok) throw new Error(`service ${what}: ${result.error.code}: ${result.error.message}`)
}
