// The many-files workloads on disk: writing a set of small files spread over folders, and counting what a
// transfer left in a destination. The count is the bench's only check of a run, so it does not depend on what
// the transfer call returns (its result shape is changing).
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, lstat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export interface FileSet {
  /** Folder name of the set, in the share and in the local source folder. */
  name: string
  files: number
  size: number
  /** Files per subfolder; the whole set in one folder when it is at least `files`. */
  perFolder: number
}

/** Wire-style relative paths of a set's files ('d007/f00042'), folders numbered so they sort in order. */
export function setPaths(set: FileSet): string[] {
  const folders = Math.ceil(set.files / set.perFolder)
  const width = String(Math.max(0, set.files - 1)).length
  const paths: string[] = []
  for (let i = 0; i < set.files; i += 1) {
    const file = `f${String(i).padStart(width, '0')}`
    if (folders <= 1) paths.push(file)
    else paths.push(`d${String(Math.floor(i / set.perFolder)).padStart(3, '0')}/${file}`)
  }
  return paths
}

const WRITERS = 32

/** Writes the set under `root/<set.name>`, each file with its own random bytes. */
export async function seedSet(root: string, set: FileSet): Promise<void> {
  const base = join(root, set.name)
  const paths = setPaths(set)
  const dirs = new Set(paths.map((p) => join(base, p, '..')))
  for (const dir of dirs) await mkdir(dir, { recursive: true })
  let next = 0
  const writer = async (): Promise<void> => {
    while (next < paths.length) {
      const path = paths[next++] ?? ''
      await writeFile(join(base, path), randomBytes(set.size))
    }
  }
  await Promise.all(Array.from({ length: WRITERS }, writer))
}

export interface TreeCount {
  files: number
  bytes: number
}

/** Regular files and their bytes under `dir`, recursively; a missing folder counts as empty. */
export async function countTree(dir: string): Promise<TreeCount> {
  const total: TreeCount = { files: 0, bytes: 0 }
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    })
    for (const entry of entries) {
      const path = join(folder, entry.name)
      if (entry.isDirectory()) await walk(path)
      else if (entry.isFile()) {
        total.files += 1
        total.bytes += (await lstat(path)).size
      }
    }
  }
  await walk(dir)
  return total
}

/** Null when the destination holds exactly the set, else what is wrong with it. */
export function countProblem(count: TreeCount, set: FileSet): string | null {
  if (count.files === set.files && count.bytes === set.files * set.size) return null
  return `destination holds ${count.files} files / ${count.bytes} bytes, expected ${set.files} / ${set.files * set.size}`
}
