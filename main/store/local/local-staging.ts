// LocalStore's staged writes (.ferry/partial, .ferry/tmp), usage and sweep. A staged upload is the partial file
// keyed by (path, size, key) in .ferry/partial, so it survives a dropped connection and a restarted server; a
// second writer of the same key while the first is live gets a private file in .ferry/tmp (upload-store.ts).
import { createHash } from 'node:crypto'
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { FerryError, fromSystemError } from '../../protocol/error-codes'
import { hashFdRange } from '../../fs-io/hash-range'
import type { StageOptions, StagedWrite, SweepResult } from '../share-store'
import { closeFd, openFd } from './fd-io'
import type { LocalContext } from './local-context'
import { LocalStagedWrite } from './local-staged-write'

export async function stage(
  ctx: LocalContext,
  wirePath: string,
  options: StageOptions,
): Promise<StagedWrite> {
  const { size, key } = options
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new FerryError('INVALID_ARGUMENT', `${wirePath}: invalid size ${size}`)
  }
  const target = await ctx.share.resolveTarget(wirePath)
  if (target.existing) {
    const stats = target.existing.isSymbolicLink() ? await fsp.stat(target.targetReal) : target.existing
    if (stats.isDirectory()) throw new FerryError('IS_A_DIRECTORY', `${wirePath}: is a folder`)
  }
  const slot =
    options.resumable === false
      ? ctx.uploads.privateSlot()
      : await ctx.uploads.claim(wirePath, size, key, {
          resume: options.resume === true,
          onWait: options.onWait,
        })
  let fd: number | null = null
  try {
    let offset = 0
    if (options.resume && slot.resumable) {
      const held = await fsp.lstat(slot.file).catch(() => null)
      if (held?.isFile() && held.size <= size) offset = held.size
    }
    await ctx.uploads.assertSpace(ctx.share.real, size - offset)
    fd = await openFd(slot.file, offset > 0 ? 'r+' : 'w', 0o666)
    const hash = createHash('sha256')
    await hashFdRange(fd, hash, 0, offset, { label: `partial upload of ${wirePath}` })
    // The client checks these bytes are really its own before it sends the rest.
    const prefixSha256 = offset > 0 ? hash.copy().digest('hex') : undefined
    return new LocalStagedWrite(ctx, wirePath, size, slot, fd, hash, offset, prefixSha256)
  } catch (err: unknown) {
    if (fd !== null) await closeFd(fd).catch(() => undefined)
    slot.release()
    throw fromSystemError(err, wirePath)
  }
}

/** Bytes of regular files in the folder, staged uploads in .ferry included; symlinks are not followed. */
export function usage(ctx: LocalContext): Promise<number> {
  return sizeOfTree(ctx.share.real)
}

async function sizeOfTree(dir: string): Promise<number> {
  let entries
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true })
  } catch {
    return 0 // vanished while walking
  }
  let total = 0
  for (const entry of entries) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) total += await sizeOfTree(full)
    else if (entry.isFile())
      total += await fsp.lstat(full).then(
        (s) => s.size,
        () => 0,
      )
  }
  return total
}

export async function sweep(ctx: LocalContext, olderThanMs: number): Promise<SweepResult> {
  if (!Number.isFinite(olderThanMs) || olderThanMs < 0) {
    throw new FerryError('INVALID_ARGUMENT', `invalid sweep age: ${olderThanMs} ms`)
  }
  return { stagedRemoved: await ctx.uploads.sweepOlderThan(olderThanMs) }
}
