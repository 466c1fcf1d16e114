// Test helpers: in-memory streams for main(argv, io) and a temp folder per test.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import type { CliIo, OutStream } from './io'

export interface CapturedStream extends OutStream {
  text(): string
}

export function captureStream(isTTY = false): CapturedStream {
  let text = ''
  return {
    isTTY,
    write(chunk: string) {
      text += chunk
      return true
    },
    text: () => text,
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
