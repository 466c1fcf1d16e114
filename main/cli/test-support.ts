// Test helpers: in-memory streams for main(argv, io), a temp folder per test, and the real binary as a child.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import process from 'node:process'
import { PassThrough } from 'node:stream'
import { fileURLToPath } from 'node:url'
import type { CliIo, OutStream } from './io'

export interface CapturedStream extends OutStream {
  text(): string
  /** Resolves with the first match once the text written so far matches (checked on every write). */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>
}

export function captureStream(isTTY = false): CapturedStream {
  let text = ''
  const waiters: Array<{ pattern: RegExp; resolve: (m: RegExpMatchArray) => void }> = []
  const check = (): void => {
    for (const w of [...waiters]) {
      const m = text.match(w.pattern)
      if (m) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(m)
      }
    }
  }
  return {
    isTTY,
    write(chunk: string) {
      text += chunk
      check()
      return true
    },
    text: () => text,
    waitFor: (pattern) =>
      new Promise((resolve) => {
        waiters.push({ pattern, resolve })
        check()
      }),
  }
}

export interface CapturedIo extends CliIo {
  stdout: CapturedStream
  stderr: CapturedStream
  stdin: PassThrough
}

export function captureIo(cwd: string, signal?: AbortSignal): CapturedIo {
  const stdin = new PassThrough()
  return {
    stdout: captureStream(),
    stderr: captureStream(),
    stdin,
    cwd,
    ...(signal ? { signal } : {}),
  }
}

export async function makeTempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `ferry-cli-${prefix}-`))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

export interface StreamText {
  text(): string
  /** Resolves with the first match; rejects if the stream ends first. */
  waitFor(re: RegExp): Promise<RegExpMatchArray>
}

/** Everything a child process writes on one stream, and waiting for a pattern in it. */
export function collectText(stream: NodeJS.ReadableStream): StreamText {
  let text = ''
  stream.setEncoding('utf8')
  stream.on('data', (chunk: string) => (text += chunk))
  return {
    text: () => text,
    waitFor: (re) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const m = text.match(re)
          if (!m) return
          stream.off('data', check)
          stream.off('end', ended)
          resolve(m)
        }
        const ended = (): void => reject(new Error(`stream ended without ${re}; got: ${text}`))
        stream.on('data', check)
        stream.once('end', ended)
        check()
      }),
  }
}

export const FERRY_BIN = fileURLToPath(new URL('../../bin/ferry.mjs', import.meta.url))

export interface FerryChild {
  child: ChildProcess
  out: StreamText
  err: StreamText
  /** The exit code (null when killed by a signal). */
  exit: Promise<number | null>
}

/** Runs the real `ferry` binary with `env` added to (or, for undefined values, removed from) this process's. */
export function spawnFerry(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): FerryChild {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name]
    else env[name] = value
  }
  const child = spawn(process.execPath, [FERRY_BIN, ...args], {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exit = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => resolve(code))
  })
  return { child, out: collectText(child.stdout), err: collectText(child.stderr), exit }
}
