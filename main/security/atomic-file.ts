// Small private state files (pinned servers, the host's remembered settings with its token): written to a temp
// file with mode 0600 in the same folder and renamed into place, so a crash or a concurrent reader never sees half
// a file, and nobody else on the machine can read it.
import { randomBytes } from 'node:crypto'
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { fromSystemError } from '../protocol/error-codes'

export async function writePrivateFileAtomic(file: string, text: string, what: string): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    await fsp.mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
    await fsp.writeFile(temp, text, { mode: 0o600 })
    await fsp.rename(temp, file)
  } catch (err: unknown) {
    await fsp.rm(temp, { force: true })
    throw fromSystemError(err, `${what} ${file}`)
  }
}
