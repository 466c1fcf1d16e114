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
import { startTransfer } from './progress'
import type { RemoteClient, TransferResult } from './remote-client'
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

function sum(results: TransferResult[]): number {
  return results.reduce((n, r) => n + r.size, 0)
}

/**
 * Downloads a file or a folder (recursively). Without `local` it lands in the current local folder under its
 * remote name; an existing local folder receives it inside, like cp.
 */
export async function getOp(
  { client, io, signal }: OpContext,
  remote: string,
  local: string | undefined,
  options: { resume?: boolean; force?: boolean },
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
      const results = await client.downloadTree(remote, target, {
        overwrite: options.force === true,
        onProgress: view.onProgress,
        ...(signal ? { signal } : {}),
      })
      view.done(sum(results), results.length)
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
  options: { mode?: OverwriteMode },
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
        const results = await client.uploadTree(source, remoteDir, {
          mode,
          onProgress: view.onProgress,
          ...(signal ? { signal } : {}),
        })
        view.done(sum(results), results.length)
      } else {
        const result = await client.upload(source, joinRelativePath(remoteDir, name), {
          mode,
          onProgress: view.onProgress,
          ...(signal ? { signal } : {}),
        })
        if (result.path !== joinRelativePath(remoteDir, name))
          println(io.stdout, `stored as ${displayRemote(result.path)}`)
        view.done(result.size)
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
