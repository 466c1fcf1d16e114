// Turns a drop (files and whole folders) or a file input into UploadItems with relativePath. Folder traversal
// uses the FileSystemEntry API (webkitGetAsEntry), which browsers and Electron both implement.
import type { UploadItem } from '../../../preload/api'

/** The parts of FileSystemEntry this module uses, so tests can supply their own trees. */
export interface EntryLike {
  isFile: boolean
  isDirectory: boolean
  name: string
}
export interface FileEntryLike extends EntryLike {
  file(success: (file: File) => void, failure?: (error: unknown) => void): void
}
export interface DirectoryEntryLike extends EntryLike {
  createReader(): {
    readEntries(success: (entries: EntryLike[]) => void, failure?: (e: unknown) => void): void
  }
}

interface ItemLike {
  kind: string
  getAsFile(): File | null
  webkitGetAsEntry?: () => EntryLike | null
}

function readFile(entry: FileEntryLike): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject))
}

async function readAllEntries(dir: DirectoryEntryLike): Promise<EntryLike[]> {
  const reader = dir.createReader()
  const all: EntryLike[] = []
  // readEntries returns at most ~100 entries per call; an empty batch means the folder is exhausted.
  for (;;) {
    const batch = await new Promise<EntryLike[]>((resolve, reject) => reader.readEntries(resolve, reject))
    if (batch.length === 0) return all
    all.push(...batch)
  }
}

export async function collectFromEntry(entry: EntryLike, prefix = ''): Promise<UploadItem[]> {
  const relativePath = prefix === '' ? entry.name : `${prefix}/${entry.name}`
  if (entry.isFile) {
    const file = await readFile(entry as FileEntryLike)
    return [{ file, relativePath }]
  }
  if (!entry.isDirectory) return []
  const children = await readAllEntries(entry as DirectoryEntryLike)
  const items: UploadItem[] = []
  for (const child of children) items.push(...(await collectFromEntry(child, relativePath)))
  return items
}

/**
 * Must be called synchronously inside the drop handler for the entries, because a DataTransfer's items are
 * emptied when the event returns; the returned promise then reads the files.
 */
export function collectDropped(dataTransfer: {
  items?: ArrayLike<ItemLike>
  files?: ArrayLike<File>
}): Promise<UploadItem[]> {
  const entries: EntryLike[] = []
  const looseFiles: File[] = []
  const items = dataTransfer.items ? Array.from(dataTransfer.items) : []
  for (const item of items) {
    if (item.kind !== 'file') continue
    const entry = item.webkitGetAsEntry?.() ?? null
    if (entry) entries.push(entry)
    else {
      const file = item.getAsFile()
      if (file) looseFiles.push(file)
    }
  }
  if (items.length === 0 && dataTransfer.files) looseFiles.push(...Array.from(dataTransfer.files))
  return (async () => {
    const result: UploadItem[] = looseFiles.map((file) => ({ file, relativePath: file.name }))
    for (const entry of entries) result.push(...(await collectFromEntry(entry)))
    return result
  })()
}

/** Files from an <input type=file>, keeping folder structure when the input picked a directory. */
export function collectFromInput(files: ArrayLike<File>): UploadItem[] {
  return Array.from(files, (file) => ({
    file,
    // Empty (or missing, in some environments) unless a directory was picked.
    relativePath: file.webkitRelativePath || file.name,
  }))
}
