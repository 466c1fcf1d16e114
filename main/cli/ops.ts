// The remote operations behind both the one-shot commands (`ferry get ...`) and the interactive shell, so the two
// behave and print the same. Paths arrive already resolved to wire form ('' = share root).
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { FerryError } from '../protocol/error-codes'
import type { OverwriteMode } from '../protocol/messages'
import { baseName, joinRelativePath } from '../protocol/paths'
import { UsageError } from './errors'
import { formatListing, formatLongListing } from './format'
import type { CliIo } from './io'
import { println } from './io'
import { startTransfer, type TransferView } from './progress'
import type { RemoteClient } from './remote-client'
import type { JobResult } from '../client/job-types'
import { displayRemote } from './remote-path'

export interface OpContext {
  client: RemoteClient
  io: CliIo
  signal?: AbortSignal
}

export async function listOp(
  { client, io }: OpContext,
  remote: string,
  options: { long?: boolean; json?: boolean },
): Promise<void> {
  const entries = await client.list(remote)
  if (options.json) {
    println(io.stdout, JSON.stringify(entries))
    return
  }
  const lines = options.long ? formatLongListing(entries) : formatListing(entries)
  for (const line of lines) println(io.stdout, line)
}

async function localKind(p: string): Promise<'file' | 'dir' | null> {
  try {
    return (await stat(p)).isDirectory() ? 'dir' : 'file'
  } catch (err: unknown) {
    if ((err as { code?: unknown }).code === 'ENOENT') return null
    throw err
  }
}

/** Most failed files listed one per line at the end of a folder job; the rest are counted. */
const FAILURES_SHOWN = 20

/**
 * The end of a folder job: the summary line, then each failed file with its code; a job with failures (or one
 * that stopped early) fails the command with the first failure's code, so scripts see exit code 1.
 */
function finishJob(io: CliIo, view: TransferView, result: JobResult): void {
  const moved = result.done + result.skipped
  view.done(result.bytes, moved)
  if (result.skipped > 0) println(io.stdout, `${result.skipped} already complete, not moved again`)
  for (const f of result.failed.slice(0, FAILURES_SHOWN)) {
    println(
      io.stderr,
      `failed: ${displayRemote(f.file.remote)}: ${f.error?.code ?? 'INTERNAL'}: ${f.error?.message ?? ''}`,
    )
  }
  if (result.failed.length > FAILURES_SHOWN) {
    println(io.stderr, `... and ${result.failed.length - FAILURES_SHOWN} more failed files`)
  }
  const first = result.failed[0]?.error
  if (!first && !result.stoppedBy) return
  const unsettled = result.filesTotal - moved - result.failed.length
  const stopped = result.stoppedBy ? `; stopped at the first failure, ${unsettled} not tried` : ''
  throw new FerryError(
    first?.code ?? 'INTERNAL',
    `${result.failed.length} of ${result.filesTotal} files failed${stopped}; run the same command again to finish the rest`,
  )
}

/**
 * Downloads a file or a folder (recursively). Without `local` it lands in the current local folder under its
 * remote name; an existing local folder receives it inside, like cp.
 */
export async function getOp(
  { client, io, signal }: OpContext,
  remote: string,
  local: string | undefined,
  options: { resume?: boolean; force?: boolean; stopOnError?: boolean },
): Promise<void> {
  const name = baseName(remote)
  if (name === '' && local === undefined)
    throw new UsageError(
      'downloading the whole share needs a LOCAL folder, e.g. `ferry get HOST:PORT / ./copy`',
    )
  const entry = await client.stat(remote)
  let target = path.resolve(io.cwd, local ?? name)
  if (name !== '' && (await localKind(target)) === 'dir') target = path.join(target, name)

  const view = startTransfer(io, 'download', displayRemote(remote), target)
  try {
    if (entry.type === 'dir') {
      const result = await client.downloadTree(remote, target, {
        overwrite: options.force === true,
        stopOnError: options.stopOnError === true,
        onProgress: view.onProgress,
        ...(signal ? { signal } : {}),
      })
      finishJob(io, view, result)
      return
    } else {
      const result = await client.download(remote, target, {
        resume: options.resume !== false,
        overwrite: options.force === true,
        onProgress: view.onProgress,
        ...(signal ? { signal } : {}),
      })
      view.done(result.size)
    }
  } catch (err: unknown) {
    view.fail()
    throw err
  }
}

/** Uploads files or folders (recursively) into the remote folder `remoteDir`. */
export async function putOp(
  { client, io, signal }: OpContext,
  locals: string[],
  remoteDir: string,
  options: { mode?: OverwriteMode; stopOnError?: boolean },
): Promise<void> {
  const mode = options.mode ?? 'fail'
  const sources: Array<{ source: string; kind: 'file' | 'dir' }> = []
  for (const local of locals) {
    const source = path.resolve(io.cwd, local)
    const kind = await localKind(source)
    if (kind === null) throw new FerryError('NOT_FOUND', `${local}: no such local file or folder`)
    sources.push({ source, kind })
  }
  // Like `cp -r a b/` into a folder that is not there yet: create it rather than fail half-way through.
  if (remoteDir !== '') await client.mkdir(remoteDir, { parents: true })
  for (const { source, kind } of sources) {
    const name = path.basename(source)
    const view = startTransfer(io, 'upload', source, displayRemote(joinRelativePath(remoteDir, name)))
    try {
      if (kind === 'dir') {
        const result = await client.uploadTree(source, remoteDir, {
          mode,
          stopOnError: options.stopOnError === true,
          onProgress: view.onProgress,
          ...(signal ? { signal } : {}),
        })
        finishJob(io, view, result)
        continue
      } else {
        const result = await client.upload(source, joinRelativePath(remoteDir, name), {
          mode,
          onProgress: view.onProgress,
          ...(signal ? { signal } : {}),
        })
        // A rename mode may have picked another name: the summary names where it landed, once.
        const landed =
          result.path !== joinRelativePath(remoteDir, name) ? displayRemote(result.path) : undefined
        view.done(result.size, undefined, landed)
      }
    } catch (err: unknown) {
      view.fail()
      throw err
    }
  }
}

export async function rmOp({ client, io }: OpContext, remote: string, recursive: boolean): Promise<void> {
  if (remote === '') throw new UsageError('refusing to delete the share root')
  await client.delete(remote, { recursive })
  println(io.stdout, `deleted ${displayRemote(remote)}`)
}

export async function mkdirOp({ client, io }: OpContext, remote: string, parents: boolean): Promise<void> {
  if (remote === '') throw new UsageError('missing folder name')
  const created = await client.mkdir(remote, { parents })
  println(io.stdout, `created ${displayRemote(created)}`)
}

/** Renames; when `to` is an existing folder the entry moves into it, like mv. */
export async function mvOp({ client, io }: OpContext, from: string, to: string): Promise<void> {
  if (from === '') throw new UsageError('cannot move the share root')
  let target = to
  if (to === '') target = baseName(from)
  else {
    try {
      const existing = await client.stat(to)
      if (existing.type === 'dir') target = joinRelativePath(to, baseName(from))
    } catch (err: unknown) {
      if (!(err instanceof FerryError && err.code === 'NOT_FOUND')) throw err
    }
  }
  const final = await client.rename(from, target)
  println(io.stdout, `moved ${displayRemote(from)} -> ${displayRemote(final)}`)
}

export async function pingOp({ client, io }: OpContext): Promise<void> {
  const ms = await client.ping()
  println(io.stdout, `pong from "${client.hello.server}" in ${ms.toFixed(1)} ms`)
}
