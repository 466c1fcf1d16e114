// Turns what the renderer asked for into transfer jobs: local files to upload into a remote folder, or remote
// files and folders to download into a local folder. A folder is one job either way (the files of a dropped
// folder, or a remote folder the job lists when it runs). Everything is checked before anything is queued, and
// local names never escape localDir or clobber an existing file or folder.
import { mkdir, stat } from 'node:fs/promises'
import { join, sep } from 'node:path'
import type { RemoteEntry } from '../../preload/api'
import type { JobFile } from '../client/job-types'
import type { ServerTarget } from './secure-access'
import { FerryError, fromSystemError } from '../protocol/error-codes'
import { joinRelativePath, numberedName, parseRelativePath } from '../protocol/paths'
import type { LocalUploadItem } from './schemas'
import type { FolderJobSpec, JobSpec } from './transfer-service'

export interface RemoteBrowser {
  stat(path: string): Promise<RemoteEntry>
  list(path: string): Promise<RemoteEntry[]>
}

export async function planUploads(
  items: LocalUploadItem[],
  remoteDir: string,
  target: ServerTarget,
  options: { removeLocalWhenDone?: boolean } = {},
): Promise<JobSpec[]> {
  const sized: SizedUploadItem[] = []
  for (const item of items) {
    // The names are checked before any file is looked at: a bad one fails the batch with PATH_INVALID.
    parseRelativePath(joinRelativePath(remoteDir, item.relativePath))
    sized.push({ ...item, size: await fileSize(item.localPath) })
  }
  return groupUploads(sized, remoteDir, target, options)
}

/** A local file to upload, with its size known (looked up, or declared by a page that is still sending it). */
export interface SizedUploadItem extends LocalUploadItem {
  size: number
}

/** The jobs for files of known size: one per top folder of their relativePath, one per plain file. */
export function groupUploads(
  items: SizedUploadItem[],
  remoteDir: string,
  target: ServerTarget,
  options: { removeLocalWhenDone?: boolean } = {},
): JobSpec[] {
  const staged = options.removeLocalWhenDone ? { removeLocalWhenDone: true } : {}
  const specs: JobSpec[] = []
  // Items under one top folder ('photos/...') become one folder job, in the order the folders first appear.
  const folders = new Map<string, FolderJobSpec & { files: JobFile[] }>()
  for (const item of items) {
    const remotePath = joinRelativePath(remoteDir, item.relativePath)
    parseRelativePath(remotePath)
    const { size } = item
    const [top = '', ...rest] = parseRelativePath(item.relativePath)
    if (rest.length === 0) {
      specs.push({
        kind: 'file',
        direction: 'upload',
        target,
        localPath: item.localPath,
        remotePath,
        total: size,
        ...staged,
      })
      continue
    }
    let folder = folders.get(top)
    if (!folder) {
      folder = {
        kind: 'folder',
        direction: 'upload',
        target,
        localPath: localRoot(item, top),
        remotePath: joinRelativePath(remoteDir, top),
        total: 0,
        files: [],
        ...staged,
      }
      folders.set(top, folder)
      specs.push(folder)
    }
    folder.files.push({ remote: remotePath, local: item.localPath, size })
    folder.total += size
    // Shown as the job's local folder only when every file really sits under one (not so for staged copies).
    if (folder.localPath !== null && localRoot(item, top) !== folder.localPath) folder.localPath = null
  }
  return specs
}

async function fileSize(localPath: string): Promise<number> {
  const info = await stat(localPath).catch((err: unknown) => {
    throw fromSystemError(err, localPath)
  })
  if (!info.isFile()) throw new FerryError('IS_A_DIRECTORY', `${localPath}: not a file`)
  return info.size
}

/** The local folder an item's top folder is, when its local path ends with its relative path. */
function localRoot(item: LocalUploadItem, top: string): string | null {
  const tail = item.relativePath.split('/').join(sep)
  if (!item.localPath.endsWith(sep + tail)) return null
  return join(item.localPath.slice(0, item.localPath.length - tail.length), top)
}

export class DownloadPlanner {
  /** Local paths handed out but maybe not written yet, so one batch never picks the same name twice. */
  private readonly reserved = new Set<string>()

  async plan(
    browser: RemoteBrowser,
    remotePaths: string[],
    localDir: string,
    target: ServerTarget,
  ): Promise<JobSpec[]> {
    await mkdir(localDir, { recursive: true }).catch((err: unknown) => {
      throw fromSystemError(err, localDir)
    })
    const specs: JobSpec[] = []
    for (const remotePath of remotePaths) {
      const entry = await browser.stat(remotePath)
      const localPath = await this.freeName(localDir, entry.name)
      const base = { direction: 'download', target, localPath, remotePath: entry.path } as const
      // A folder is not walked here: its job lists it when it runs (and checks every name the server sends).
      specs.push(
        entry.type === 'file'
          ? { ...base, kind: 'file', total: entry.size }
          : { ...base, kind: 'folder', total: 0, files: null },
      )
    }
    return specs
  }

  /** Forget reservations once their files exist (or never will). */
  release(localPaths: string[]): void {
    for (const p of localPaths) this.reserved.delete(p)
  }

  private async freeName(dir: string, name: string): Promise<string> {
    const [checked] = parseRelativePath(name)
    if (!checked || name.includes('/')) throw new FerryError('PATH_INVALID', `bad name: ${name}`)
    for (let n = 1; n < 10_000; n++) {
      const candidate = join(dir, n === 1 ? checked : numberedName(checked, n))
      if (this.reserved.has(candidate)) continue
      const exists = await stat(candidate).then(
        () => true,
        () => false,
      )
      if (!exists) {
        this.reserved.add(candidate)
        return candidate
      }
    }
    throw new FerryError('EXISTS', `no free name for ${name} in ${dir}`)
  }
}
