// What a transfer shows while it runs: a cli-progress bar on stderr when stderr is a terminal, otherwise a plain
// start line (stderr). Either way one summary line with size, time and MB/s goes to stdout when it is done.
import cliProgress from 'cli-progress'
import { formatBytes, formatDuration, formatRate } from './format'
import type { CliIo } from './io'
import { println } from './io'

export interface ProgressLike {
  bytes: number
  total: number
  rate?: number
  /** Folder jobs: files settled (done, skipped or failed) and in all. */
  filesDone?: number
  filesSkipped?: number
  filesFailed?: number
  filesTotal?: number
}

function filesOf(p: ProgressLike): string {
  if (p.filesTotal === undefined) return ''
  const settled = (p.filesDone ?? 0) + (p.filesSkipped ?? 0) + (p.filesFailed ?? 0)
  const failed = p.filesFailed ? `, ${p.filesFailed} failed` : ''
  return ` ${settled}/${p.filesTotal} files${failed}`
}

export interface TransferView {
  onProgress: (p: ProgressLike) => void
  /** `files` is given for folder transfers; `finalTo` where the file landed elsewhere (a rename mode). */
  done(bytes: number, files?: number, finalTo?: string): void
  fail(): void
}

const VERBS = { download: ['downloading', 'downloaded'], upload: ['uploading', 'uploaded'] } as const

export function startTransfer(
  io: CliIo,
  direction: 'download' | 'upload',
  from: string,
  to: string,
): TransferView {
  const [doing, did] = VERBS[direction]
  const label = `${from} -> ${to}`
  const startedAt = Date.now()
  const tty = io.stderr.isTTY === true
  let bar: cliProgress.SingleBar | null = null

  if (!tty) println(io.stderr, `${doing} ${label}`)

  const stopBar = (): void => {
    bar?.stop()
    bar = null
  }

  return {
    onProgress(p) {
      if (!tty) return
      const payload = {
        done: formatBytes(p.bytes),
        size: formatBytes(p.total),
        speed: formatRate(p.bytes, Date.now() - startedAt),
        files: filesOf(p),
      }
      if (!bar) {
        bar = new cliProgress.SingleBar(
          {
            // cli-progress writes through readline's cursor helpers, which need a real stream.
            stream: io.stderr as NodeJS.WriteStream,
            format: `${doing} ${label} [{bar}] {percentage}% {done}/{size}{files} {speed}`,
            barsize: 24,
            hideCursor: true,
            clearOnComplete: true,
            etaBuffer: 20,
          },
          cliProgress.Presets.shades_classic,
        )
        bar.start(Math.max(1, p.total), p.bytes, payload)
      } else {
        bar.setTotal(Math.max(1, p.total))
        bar.update(p.bytes, payload)
      }
    },
    done(bytes, files, finalTo) {
      const summary = finalTo === undefined ? label : `${from} -> ${finalTo}`
      stopBar()
      const ms = Date.now() - startedAt
      const what = files === undefined ? '' : `${files} file${files === 1 ? '' : 's'}, `
      println(
        io.stdout,
        `${did} ${summary}: ${what}${formatBytes(bytes)} in ${formatDuration(ms)} (${formatRate(bytes, ms)})`,
      )
    },
    fail() {
      stopBar()
    },
  }
}
