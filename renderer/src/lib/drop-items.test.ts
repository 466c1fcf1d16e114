import { describe, expect, it } from 'vitest'
import { collectDropped, collectFromInput, type EntryLike } from './drop-items'

// A FileSystemEntry tree as browsers expose it; readEntries hands out at most `batch` entries per call.
function fileEntry(name: string, content = name): EntryLike {
  return {
    isFile: true,
    isDirectory: false,
    name,
    file: (ok: (f: File) => void) => ok(new File([content], name)),
  } as EntryLike
}
function dirEntry(name: string, children: EntryLike[], batch = 2): EntryLike {
  return {
    isFile: false,
    isDirectory: true,
    name,
    createReader() {
      let offset = 0
      return {
        readEntries(ok: (entries: EntryLike[]) => void) {
          const slice = children.slice(offset, offset + batch)
          offset += slice.length
          queueMicrotask(() => ok(slice))
        },
      }
    },
  } as EntryLike
}
function item(entry: EntryLike | null, file: File | null = null) {
  return { kind: 'file', getAsFile: () => file, webkitGetAsEntry: () => entry }
}

describe('collectDropped', () => {
  it('walks dropped folders (across several readEntries batches) into relative paths', async () => {
    const tree = dirEntry('photos', [
      fileEntry('a.jpg'),
      dirEntry('2024', [fileEntry('b.jpg'), fileEntry('c.jpg'), fileEntry('d.jpg')]),
      fileEntry('e.jpg'),
      dirEntry('empty', []),
    ])
    const items = await collectDropped({ items: [item(tree), item(fileEntry('loose.txt'))] })
    expect(items.map((i) => i.relativePath)).toEqual([
      'photos/a.jpg',
      'photos/2024/b.jpg',
      'photos/2024/c.jpg',
      'photos/2024/d.jpg',
      'photos/e.jpg',
      'loose.txt',
    ])
    expect(await items[0]!.file.text()).toBe('a.jpg')
  })

  it('falls back to getAsFile when there is no entry, and to files when there are no items', async () => {
    const f = new File(['x'], 'plain.bin')
    expect((await collectDropped({ items: [item(null, f)] })).map((i) => i.relativePath)).toEqual([
      'plain.bin',
    ])
    expect((await collectDropped({ files: [f] })).map((i) => i.relativePath)).toEqual(['plain.bin'])
  })

  it('ignores non-file items such as dragged text', async () => {
    expect(await collectDropped({ items: [{ kind: 'string', getAsFile: () => null }] })).toEqual([])
  })
})

describe('collectFromInput', () => {
  it('keeps webkitRelativePath from folder pickers', () => {
    const f = new File(['x'], 'a.txt')
    Object.defineProperty(f, 'webkitRelativePath', { value: 'docs/a.txt' })
    const g = new File(['y'], 'b.txt')
    expect(collectFromInput([f, g]).map((i) => i.relativePath)).toEqual(['docs/a.txt', 'b.txt'])
  })
})
