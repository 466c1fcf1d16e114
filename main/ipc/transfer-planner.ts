// Turns what the renderer asked for into transfer jobs: local files to upload into a remote folder, or remote
// files and folders (walked recursively) to download into a local folder. Everything is checked before anything
// is queued, and local names never escape localDir or clobber an existing file.
import { mkdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { RemoteEntry } from '../../preload/api'
import type { ServerTarget } from './secure-access'
import { FerryError, fromSystemError } from '../protocol/error-codes'
import { joinRelativePath, numberedName, parseRelativePath } from '../protocol/paths'
import type { LocalUploadItem } from './schemas'
import { MAX_BATCH } from './schemas'
import type { JobSpec } from './transfer-service'

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
  const specs: JobSpec[] = []
  for (const item of items) {
    const remotePath = joinRelativePath(remoteDir, item.relativePath)
    parseRelativePath(remotePath)
    const info = await stat(item.localPath).catch((err: unknown) => {
      throw fromSystemError(err, item.localPath)
    })
    if (!info.isFile()) throw new FerryError('IS_A_DIRECTORY', `${item.localPath}: not a file`)
    specs.push({
      direction: 'upload',
      target,
      localPath: item.localPath,
      remotePath,
      total: info.size,
      ...(options.removeLocalWhenDone ? { removeLocalWhenDone: true } : {}),
    })
  }
  return specs
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
      const local = await this.freeName(localDir, entry.name)
      if (entry.type === 'file') {
        specs.push(downloadSpec(target, local, entry))
      } else {
        await this.walk(browser, entry.path, local, target, specs)
      }
    }
    return specs
  }

  /** Forget reservations once their files exist (or never will). */
  release(localPaths: string[]): void {
    for (const p of localPaths) this.reserved.delete(p)
  }

  private async walk(
    browser: RemoteBrowser,
    remoteDir: string,
    localDir: string,
    target: ServerTarget,
    specs: JobSpec[],
  ): Promise<void> {
    await mkdir(localDir, { recursive: true }).catch((err: unknown) => {
      throw fromSystemError(err, localDir)
    })
    for (const entry of await browser.list(remoteDir)) {
      // Names come from the server: check them before they become local paths.
      const [name] = parseRelativePath(entry.name)
      if (!name || entry.name.includes('/'))
        throw new FerryError('PATH_INVALID', `bad name from server: ${entry.name}`)
      const local = join(localDir, name)
      if (entry.type === 'dir') {
        await this.walk(browser, entry.path, local, target, specs)
      } else {
        if (specs.length >= MAX_BATCH)
          throw new FerryError('TOO_LARGE', `more than ${MAX_BATCH} files in one download`)
        specs.push(downloadSpec(target, local, entry))
      }
    }
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

function downloadSpec(target: ServerTarget, localPath: string, entry: RemoteEntry): JobSpec {
  return { direction: 'download', target, localPath, remotePath: entry.path, total: entry.size }
}
