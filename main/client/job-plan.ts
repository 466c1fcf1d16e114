// What a folder job moves. The client does not trust the server: every name it lists is checked (protocol name
// rules, and the local path must stay inside the target folder) before a single byte is written locally. Local
// names are checked the same way before anything is uploaded. A remote tree comes from TREE pages where the
// server has them (one request per few thousand entries), else from one LIST per folder.
import { lstatSync, promises as fsp } from 'node:fs'
import path from 'node:path'
import { FerryError, fromSystemError } from '../protocol/error-codes'
import type { Entry, TreeEntry } from '../protocol/messages'
import { baseName, joinRelativePath, nameProblem, parseRelativePath } from '../protocol/paths'
import { PART_SUFFIX } from './download'
import { throwIfAborted } from './link'
import type { JobFile } from './job-types'

export interface JobPlan {
  /** Folders to create first (local absolute paths for a download, wire paths for an upload), parents first. */
  dirs: string[]
  files: Array<JobFile & { mtimeMs?: number }>
}

/** What planning needs from the client. */
export interface PlanHost {
  stat(path: string, signal?: AbortSignal): Promise<Entry & { path: string }>
  list(path: string, signal?: AbortSignal): Promise<Entry[]>
  /** One TREE page, or null when the server does not offer TREE. */
  treePage(path: string, after: string | undefined, signal?: AbortSignal): Promise<TreePage | null>
}

export interface TreePage {
  entries: TreeEntry[]
  next?: string
}

/** A remote file or folder, to land at localRoot (a folder's contents go inside it). */
export async function planDownload(
  host: PlanHost,
  remotePath: string,
  localRoot: string,
  signal?: AbortSignal,
): Promise<JobPlan> {
  const root = path.resolve(localRoot)
  const top = await host.stat(remotePath, signal)
  const plan: JobPlan = { dirs: [root], files: [] }
  if (top.type === 'file') {
    plan.files.push({
      remote: remotePath,
      local: localChild(root, baseName(remotePath), remotePath),
      size: top.size,
      mtimeMs: top.mtimeMs,
    })
    return plan
  }
  const seen = new Set<string>()
  const add = (entry: TreeEntry): void => {
    const relative = relativeTo(remotePath, entry.path)
    const local = localPathFor(root, relative, entry.path)
    // Two entries that land on one local file (same name, or names differing only in case) cannot both be kept;
    // and 'x' would resume from 'x.ferry-part' if the server sent both: refuse rather than mix two files.
    const key = relative.toLowerCase()
    if (seen.has(key)) throw new FerryError('PROTOCOL', `server listed ${JSON.stringify(entry.path)} twice`)
    const partOf = key.endsWith(PART_SUFFIX) ? key.slice(0, -PART_SUFFIX.length) : null
    if (seen.has(key + PART_SUFFIX) || (partOf !== null && seen.has(partOf))) {
      throw new FerryError(
        'PATH_INVALID',
        `server listed both ${JSON.stringify(entry.path)} and its partial-file name`,
      )
    }
    seen.add(key)
    if (entry.type === 'dir') plan.dirs.push(local)
    else plan.files.push({ remote: entry.path, local, size: entry.size, mtimeMs: entry.mtimeMs })
  }
  let after: string | undefined
  for (;;) {
    throwIfAborted(signal)
    const page = await host.treePage(remotePath, after, signal)
    if (page === null) {
      await walkWithList(host, remotePath, add, signal)
      break
    }
    for (const entry of page.entries) add(entry)
    if (page.next === undefined) break
    if (page.entries.length === 0)
      throw new FerryError('PROTOCOL', 'TREE sent an empty page with a next mark')
    after = page.next
  }
  return plan
}

async function walkWithList(
  host: PlanHost,
  remoteDir: string,
  add: (entry: TreeEntry) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  throwIfAborted(signal)
  for (const entry of await host.list(remoteDir, signal)) {
    // A LIST name is one segment: 'a/b' would smuggle a path past the per-segment checks.
    const problem = nameProblem(entry.name)
    if (problem) {
      throw new FerryError(
        'PATH_INVALID',
        `server sent an unsafe name ${JSON.stringify(entry.name)}: ${problem}`,
      )
    }
    const remote = joinRelativePath(remoteDir, entry.name)
    add({ path: remote, type: entry.type, size: entry.size, mtimeMs: entry.mtimeMs })
    if (entry.type === 'dir') await walkWithList(host, remote, add, signal)
  }
}

/** The part of `wirePath` below `root`; PROTOCOL when the server answered with something outside it. */
function relativeTo(root: string, wirePath: string): string {
  parseRelativePath(wirePath)
  if (root === '') return wirePath
  if (!wirePath.startsWith(root + '/')) {
    throw new FerryError(
      'PROTOCOL',
      `server listed ${JSON.stringify(wirePath)} outside ${JSON.stringify(root)}`,
    )
  }
  return wirePath.slice(root.length + 1)
}

function localPathFor(root: string, relative: string, remote: string): string {
  let dir = root
  for (const name of relative.split('/')) dir = localChild(dir, name, remote)
  return dir
}

/** The local path for a name from the server, refused unless it is a plain name that stays inside `dir`. */
export function localChild(dir: string, name: string, remote: string): string {
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

/** A local folder (or file) to land in remoteDir under its own name. */
export async function planUpload(
  localPath: string,
  remoteDir: string,
  signal?: AbortSignal,
): Promise<JobPlan> {
  parseRelativePath(remoteDir)
  const source = path.resolve(localPath)
  const stats = await fsp.stat(source).catch((err: unknown) => {
    throw fromSystemError(err, source)
  })
  const remoteRoot = joinRelativePath(remoteDir, checkLocalName(source, path.basename(source)))
  const plan: JobPlan = { dirs: [], files: [] }
  if (stats.isDirectory()) {
    plan.dirs.push(remoteRoot)
    await walkLocal(source, remoteRoot, plan, signal)
  } else if (stats.isFile()) {
    plan.files.push({ remote: remoteRoot, local: source, size: stats.size })
  } else {
    throw new FerryError('INVALID_ARGUMENT', `${source} is neither a file nor a folder`)
  }
  return plan
}

async function walkLocal(
  dir: string,
  remoteDir: string,
  plan: JobPlan,
  signal: AbortSignal | undefined,
): Promise<void> {
  throwIfAborted(signal)
  const entries = await fsp.readdir(dir, { withFileTypes: true }).catch((err: unknown) => {
    throw fromSystemError(err, dir)
  })
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const folders: Array<[string, string]> = []
  for (const entry of entries) {
    const local = path.join(dir, entry.name)
    const remote = joinRelativePath(remoteDir, checkLocalName(local, entry.name))
    // Depth and total length limits; also stops a symlink loop, which would nest forever.
    parseRelativePath(remote)
    let stats
    try {
      // One synchronous lstat per entry is far cheaper than a thread-pool round trip, and planning is brief.
      stats = entry.isSymbolicLink() ? await fsp.stat(local) : lstatSync(local)
    } catch (err: unknown) {
      if (entry.isSymbolicLink()) continue // a dangling symlink has nothing to send
      throw fromSystemError(err, local)
    }
    if (stats.isDirectory()) folders.push([local, remote])
    else if (stats.isFile()) plan.files.push({ remote, local, size: stats.size })
    // Sockets, FIFOs and devices are not files to transfer.
  }
  for (const [local, remote] of folders) {
    plan.dirs.push(remote)
    await walkLocal(local, remote, plan, signal)
  }
}

/** The remote name for a local one: NFC (macOS stores decomposed names), then the protocol's name rules. */
export function checkLocalName(local: string, name: string): string {
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
