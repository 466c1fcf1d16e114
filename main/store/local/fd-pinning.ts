// How the jail (share-root.ts) makes sure that what it opened is what its path checks approved. Two
// implementations, chosen in one place (choosePinning):
//   'linux-procfs'  reads back what an open fd really is through /proc/self/fd, and addresses entries of a folder
//                   held open through /proc/self/fd/N, which the kernel resolves to that very folder, so a folder
//                   on the way swapped for a symlink after the checks cannot redirect the operation;
//   'portable'      everywhere else: the checks before each open stand alone (realpath, lstat walk, O_NOFOLLOW).
// The Linux one falls back to the portable behaviour at run time where procfs is missing or its fd links cannot be
// walked through (a bare container, some sandboxes): learnt on first use.
import fs, { promises as fsp } from 'node:fs'
import path from 'node:path'
import { fromSystemError } from '../../protocol/error-codes'
import { closeFd, fstatFd, openFd } from './fd-io'

/**
 * A folder held open after its checks. `at(name)` names an entry of exactly that folder, even if a folder on the
 * path to it is swapped for a symlink afterwards (with 'linux-procfs'). Elsewhere it is the checked path.
 */
export interface PinnedFolder {
  /** A path naming the folder itself. */
  path: string
  at(name: string): string
  close(): Promise<void>
}

export interface FdPinning {
  readonly kind: 'linux-procfs' | 'portable'
  /** The path an open fd refers to now, or null when this platform (or this machine) cannot tell. */
  readBack(fd: number): string | null
  /**
   * Holds `realDir` open. `verify` judges the opened fd (it throws to refuse; it returns false when the fd could
   * not be read back). Errors of the open are FerryErrors about `wirePath`.
   */
  pin(realDir: string, wirePath: string, verify: (fd: number) => boolean): Promise<PinnedFolder>
}

const DIRECTORY_FLAGS =
  fs.constants.O_RDONLY | (fs.constants.O_DIRECTORY ?? 0) | (fs.constants.O_NONBLOCK ?? 0)

function unpinned(realDir: string): PinnedFolder {
  return { path: realDir, at: (name) => path.join(realDir, name), close: () => Promise.resolve() }
}

export const PORTABLE_PINNING: FdPinning = {
  kind: 'portable',
  readBack: () => null,
  pin: (realDir) => Promise.resolve(unpinned(realDir)),
}

/** True when a path names the very file an fd has open (same device and inode). */
async function resolvesTo(file: string, fd: number): Promise<boolean> {
  try {
    const [viaPath, viaFd] = await Promise.all([fsp.stat(file), fstatFd(fd)])
    return viaPath.dev === viaFd.dev && viaPath.ino === viaFd.ino
  } catch {
    return false
  }
}

export function procfsPinning(fdLinks = '/proc/self/fd/'): FdPinning {
  /** Whether paths through fdLinks lead to the open folder: a property of the system, learnt on first use. */
  let fdPathsWork: boolean | null = null
  return {
    kind: 'linux-procfs',
    readBack(fd) {
      try {
        return fs.readlinkSync(fdLinks + String(fd))
      } catch {
        return null
      }
    },
    async pin(realDir, wirePath, verify) {
      let fd: number
      try {
        fd = await openFd(realDir, DIRECTORY_FLAGS)
      } catch (err: unknown) {
        throw fromSystemError(err, wirePath || 'share root')
      }
      let opened: boolean
      try {
        opened = verify(fd)
      } catch (err: unknown) {
        fs.closeSync(fd)
        throw err
      }
      const pinned = fdLinks + String(fd)
      if (opened) fdPathsWork ??= await resolvesTo(pinned, fd)
      if (!opened || !fdPathsWork) {
        fs.closeSync(fd)
        return unpinned(realDir)
      }
      return {
        path: pinned,
        at: (name) => path.join(pinned, name),
        close: () => closeFd(fd).catch(() => undefined),
      }
    },
  }
}

/** The one place the implementation is chosen: Linux has /proc/self/fd; other platforms have no such thing. */
export function choosePinning(platform: NodeJS.Platform = process.platform): FdPinning {
  return platform === 'linux' ? procfsPinning() : PORTABLE_PINNING
}
