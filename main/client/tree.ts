// Recursive folder transfers. The client does not trust the server: the whole remote tree is listed and every
// name checked (protocol name rules, and the local path must stay inside the target folder) before a single byte
// is written locally. Local names are checked the same way before anything is uploaded.
import fs from 'node:fs/promises'
import path from 'node:path'
import { FerryError, fromSystemError } from '../protocol/error-codes'
import type { Entry, OverwriteMode } from '../protocol/messages'
import { baseName, joinRelativePath, nameProblem, parseRelativePath } from '../protocol/paths'
import { PART_SUFFIX, downloadFile, type TransferResult } from './download'
import { throwIfAborted, type Link } from './link'
import type { ProgressMeter } from './progress'
import { prepareUpload, uploadFile } from './upload'

export interface TreeHost extends Link {
  stat(path: string, signal?: AbortSignal): Promise<Entry & { path: string }>
  list(path: string, signal?: AbortSignal): Promise<Entry[]>
  mkdir(path: string, options?: { parents?: boolean }): Promise<string>
  runExclusive<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T>
}

interface TreeOptions {
  signal?: AbortSignal
  retries: number
}

interface PlannedFile {
  remote: string
  local: string
  size: number
}

interface Plan {
  dirs: string[]
  files: PlannedFile[]
}

/** Downloads a remote folder's contents into localDir (or a single remote file into localDir). */
export async function downloadTree(
  host: TreeHost,
  remotePath: string,
  localDir: string,
  options: TreeOptions & { overwrite?: boolean },
  meter: ProgressMeter,
): Promise<TransferResult[]> {
  const root = path.resolve(localDir)
  const top = await host.stat(remotePath, options.signal)
  const plan: Plan = { dirs: [root], files: [] }
  if (top.type === 'file') {
    plan.files.push({
      remote: remotePath,
      local: localChild(root, baseName(remotePath), remotePath),
      size: top.size,
    })
  } else {
    await planRemote(host, remotePath, root, plan, options.signal)
  }
  if (options.overwrite !== true) await refuseExisting(plan.files)
  for (const dir of plan.dirs) {
    throwIfAborted(options.signal)
    await fs.mkdir(dir, { recursive: true }).catch((err: unknown) => {
      throw fromSystemError(err, dir)
    })
  }
  return transferEach(plan.files, meter, (file, base) => {
    const fileOptions = { ...options, expectedSize: file.size }
    return host.runExclusive(() => downloadFile(host, file.remote, file.local, fileOptions, meter, base))
  })
}

async function planRemote(
  host: TreeHost,
  remoteDir: string,
  localDir: string,
  plan: Plan,
  signal: AbortSignal | undefined,
): Promise<void> {
  const entries = await host.list(remoteDir, signal)
  const seen = new Set<string>()
  for (const entry of entries) {
    const remote = joinRelativePath(remoteDir, entry.name)
    const local = localChild(localDir, entry.name, remote)
    // Two entries that land on one local file (same name, or names differing only in case) cannot both be kept.
    const key = entry.name.toLowerCase()
    if (seen.has(key)) throw new FerryError('PROTOCOL', `server listed ${JSON.stringify(remote)} twice`)
    seen.add(key)
    parseRelativePath(remote)
    if (entry.type === 'dir') {
      plan.dirs.push(local)
      await planRemote(host, remote, local, plan, signal)
    } else {
      plan.files.push({ remote, local, size: entry.size })
    }
  }
  // 'x' would resume from 'x.ferry-part' if the server sent both: refuse rather than mix two files.
  for (const name of seen) {
    if (seen.has(name + PART_SUFFIX)) {
      throw new FerryError(
        'PATH_INVALID',
        `server listed both ${JSON.stringify(name)} and its partial-file name`,
      )
    }
  }
}

/** Without overwrite, an existing local file stops the whole tree before any byte is transferred. */
async function refuseExisting(files: PlannedFile[]): Promise<void> {
  for (const file of files) {
    const exists = await fs.lstat(file.local).then(
      () => true,
      (err: unknown) => {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
        throw fromSystemError(err, file.local)
      },
    )
    if (exists) throw new FerryError('EXISTS', `${file.local} already exists`)
  }
}

/** The local path for a name from the server, refused unless it is a plain name that stays inside `dir`. */
function localChild(dir: string, name: string, remote: string): string {
  const problem = nameProblem(name)
  if (problem)
    throw new FerryError('PATH_INVALID', `server sent an unsafe name ${JSON.stringify(remote)}: ${problem}`)
  const local = path.resolve(dir, name)
  const relative = path.relative(dir, local)
  if (relative !== name || path.isAbsolute(relative) || relative.startsWith('..')) {
    throw new FerryError(
      'PATH_INVALID',
      `server sent a name that leaves the target folder: ${JSON.stringify(remote)}`,
    )
  }
  return local
}

/** Uploads a local folder (or file) into remoteDir under its own name. */
export async function uploadTree(
  host: TreeHost,
  localPath: string,
  remoteDir: string,
  options: TreeOptions & { mode?: OverwriteMode },
  meter: ProgressMeter,
): Promise<TransferResult[]> {
  parseRelativePath(remoteDir)
  const source = path.resolve(localPath)
  const stats = await fs.stat(source).catch((err: unknown) => {
    throw fromSystemError(err, source)
  })
  const name = path.basename(source)
  const remoteRoot = joinRelativePath(remoteDir, checkLocalName(source, name))
  const plan: Plan = { dirs: [], files: [] }
  if (stats.isDirectory()) {
    plan.dirs.push(remoteRoot)
    await planLocal(source, remoteRoot, plan, options.signal)
  } else if (stats.isFile()) {
    plan.files.push({ remote: remoteRoot, local: source, size: stats.size })
  } else {
    throw new FerryError('INVALID_ARGUMENT', `${source} is neither a file nor a folder`)
  }
  for (const dir of plan.dirs) {
    throwIfAborted(options.signal)
    await host.mkdir(dir, { parents: true })
  }
  return transferEach(plan.files, meter, async (file, base) => {
    const prepared = await prepareUpload(file.local, options.signal)
    return host.runExclusive(() => uploadFile(host, file.local, file.remote, options, meter, base, prepared))
  })
}

/** Transfers the files one after another on one meter, each told where its bytes start within the total. */
async function transferEach(
  files: PlannedFile[],
  meter: ProgressMeter,
  transfer: (file: PlannedFile, base: number) => Promise<TransferResult>,
): Promise<TransferResult[]> {
  meter.total = files.reduce((sum, f) => sum + f.size, 0)
  const results: TransferResult[] = []
  let base = 0
  for (const file of files) {
    results.push(await transfer(file, base))
    base += file.size
  }
  meter.jump(base)
  meter.finish()
  return results
}

async function planLocal(
  dir: string,
  remoteDir: string,
  plan: Plan,
  signal: AbortSignal | undefined,
): Promise<void> {
  throwIfAborted(signal)
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch((err: unknown) => {
    throw fromSystemError(err, dir)
  })
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const entry of entries) {
    const local = path.join(dir, entry.name)
    const remote = joinRelativePath(remoteDir, checkLocalName(local, entry.name))
    // Depth and total length limits; also stops a symlink loop, which would nest forever.
    parseRelativePath(remote)
    const stats = entry.isSymbolicLink() ? await fs.stat(local).catch(() => null) : entry
    if (!stats) continue // a dangling symlink has nothing to send
    if (stats.isDirectory()) {
      plan.dirs.push(remote)
      await planLocal(local, remote, plan, signal)
    } else if (stats.isFile()) {
      const size = (
        await fs.stat(local).catch((err: unknown) => {
          throw fromSystemError(err, local)
        })
      ).size
      plan.files.push({ remote, local, size })
    }
    // Sockets, FIFOs and devices are not files to transfer.
  }
}

/** The remote name for a local one: NFC (macOS stores decomposed names), then the protocol's name rules. */
function checkLocalName(local: string, name: string): string {
  const wireName = name.normalize('NFC')
  const problem = nameProblem(wireName)
  if (problem) {
    throw new FerryError(
      'PATH_INVALID',
      `cannot upload ${local}: its name is not allowed on a Ferry share (${problem})`,
    )
  }
  return wireName
}
