// Test helpers: in-memory streams for main(argv, io) and a temp folder per test.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
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
