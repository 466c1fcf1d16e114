// Runs a command to completion and times it from spawn to exit, as a user at a prompt would see it. Output is
// collected (the tail only) for the error message; a command over its time limit is killed.
import { spawn } from 'node:child_process'
import { access, constants } from 'node:fs/promises'
import { delimiter, join } from 'node:path'

export interface CommandRun {
  ms: number
  code: number | null
  signal: NodeJS.Signals | null
  /** The last few KiB of stdout and stderr together. */
  output: string
  timedOut: boolean
}

const OUTPUT_TAIL = 4096

export function runTimed(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL)
    }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, options.timeoutMs)
    child.once('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ ms: performance.now() - t0, code, signal, output: output.trim(), timedOut })
    })
  })
}

/** The first executable called `name` on PATH, or null: the bench says so rather than installing anything. */
export async function findOnPath(name: string, path = process.env['PATH'] ?? ''): Promise<string | null> {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue
    const candidate = join(dir, name)
    try {
      await access(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here; try the next folder
    }
  }
  return null
}

/** One line for a failed command: how it ended and the last line it printed. */
export function describeFailure(run: CommandRun, limitMs: number): string {
  if (run.timedOut) return `did not finish in ${Math.round(limitMs / 1000)} s`
  const how = run.signal ? `killed by ${run.signal}` : `exit code ${run.code ?? '?'}`
  const last = run.output.split('\n').filter(Boolean).at(-1)
  return last ? `${how}: ${last}` : how
}
