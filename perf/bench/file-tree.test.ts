import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { countProblem, countTree, seedSet, setPaths, type FileSet } from './file-tree'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-file-tree-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

it('spreads a set over numbered folders, or keeps it in one', () => {
  const spread: FileSet = { name: 's', files: 250, size: 1, perFolder: 100 }
  const paths = setPaths(spread)
  expect(paths).toHaveLength(250)
  expect(paths[0]).toBe('d000/f000')
  expect(paths[99]).toBe('d000/f099')
  expect(paths[100]).toBe('d001/f100')
  expect(paths.at(-1)).toBe('d002/f249')
  expect(new Set(paths).size).toBe(250)
  expect(setPaths({ name: 't', files: 12, size: 1, perFolder: 12 })).toEqual(
    Array.from({ length: 12 }, (_, i) => `f${String(i).padStart(2, '0')}`),
  )
})

it('counts what was seeded, and says what is wrong with a short destination', async () => {
  const set: FileSet = { name: 'many', files: 30, size: 10, perFolder: 7 }
  await seedSet(dir, set)
  const count = await countTree(join(dir, 'many'))
  expect(count).toEqual({ files: 30, bytes: 300 })
  expect(countProblem(count, set)).toBeNull()
  await writeFile(join(dir, 'many', 'extra'), 'x')
  expect(countProblem(await countTree(join(dir, 'many')), set)).toBe(
    'destination holds 31 files / 301 bytes, expected 30 / 300',
  )
  expect(await countTree(join(dir, 'missing'))).toEqual({ files: 0, bytes: 0 })
})
