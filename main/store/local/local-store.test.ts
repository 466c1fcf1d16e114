// LocalStore against a real temp folder: the shared conformance suite (the same tests S3Store passes), then what is
// particular to a folder.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe } from 'vitest'
import { describeShareStore } from '../conformance/conformance'
import { LocalStore } from './local-store'

async function localFixture() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-local-store-'))
  const store = await LocalStore.open(dir)
  return {
    store,
    another: () => LocalStore.open(dir),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  }
}

describe('LocalStore', () => {
  describeShareStore('LocalStore', localFixture, { resumeUnitBytes: 1 })
})
