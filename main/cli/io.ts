// The streams and context a CLI run uses. Injected so tests drive main() in-process and read what it printed;
// bin/ferry.mjs passes nothing and gets the real process streams.
import process from 'node:process'

export interface OutStream {
  write(chunk: string): boolean
  isTTY?: boolean
  columns?: number
}

export interface CliIo {
  stdout: OutStream
  stderr: OutStream
  stdin: NodeJS.ReadableStream & { isTTY?: boolean }
  /** Folder relative local paths are resolved against. */
  cwd: string
  /**
   * Stops long-running commands (serve, the interactive client) the way SIGINT does. Tests use it; the real
   * process signals are always listened to as well.
   */
  signal?: AbortSignal
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd() }
}

export function withDefaults(io: Partial<CliIo> | undefined): CliIo {
  return { ...processIo(), ...io }
}

export function println(stream: OutStream, line = ''): void {
  stream.write(`${line}\n`)
}

/**
 * Resolves once SIGINT/SIGTERM arrives or io.signal aborts; `onRepeat` runs for each further signal. The returned
 * dispose removes the process listeners, so in-process runs (tests) leave nothing behind.
 */
export function waitForStop(
  io: CliIo,
  onRepeat?: () => void,
): { stopped: Promise<string>; dispose: () => void } {
  let resolveStop: (why: string) => void = () => {}
  const stopped = new Promise<string>((resolve) => (resolveStop = resolve))
  let count = 0
  const onSignal = (why: string): void => {
    count += 1
    if (count === 1) resolveStop(why)
    else onRepeat?.()
  }
  const onInt = (): void => onSignal('SIGINT')
  const onTerm = (): void => onSignal('SIGTERM')
  const onAbort = (): void => onSignal('aborted')
  process.on('SIGINT', onInt)
  process.on('SIGTERM', onTerm)
  if (io.signal?.aborted) onAbort()
  else io.signal?.addEventListener('abort', onAbort)
  const dispose = (): void => {
    process.off('SIGINT', onInt)
    process.off('SIGTERM', onTerm)
    io.signal?.removeEventListener('abort', onAbort)
  }
  return { stopped, dispose }
}
