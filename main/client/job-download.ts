// A folder download as one job. Small files are pipelined: up to WINDOW_FILES GETs wait at the server while
// earlier answers are read, so a file costs the server's work and ours, not a round trip. Each is verified
// against the server's SHA-256 in memory, written to its .ferry-part, and a group of them is made durable at
// once, placed under the real names, and the folders made durable (GroupSync) before they count as done.
// Large files stream one at a time with resume (downloadFile). A file that fails is reported and the job goes
// on; a dropped connection is retried from the first file not yet answered.
import {
  linkSync,
  lstatSync,
  mkdirSync,
  renameSync,
  rmSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { createHash } from 'node:crypto'
import path from 'node:path'
import { FerryError, fromSystemError } from '../protocol/error-codes'
import { encodeHeader } from '../protocol/frame-codec'
import { ResponseSchemas } from '../protocol/messages'
import { GroupSync } from '../fs-io/group-sync'
import { isServerRefusal } from './connection'
import { PART_SUFFIX, downloadFile } from './download'
import type { JobHost } from './job-host'
import type { JobPlan } from './job-plan'
import type { JobTracker } from './job-tracker'
import type { DownloadJobOptions, JobFile } from './job-types'
import { backoff, exchange, isDropped } from './link'
import { readBody } from './small-exchanges'

/** Files up to this size are pipelined and held in memory once each; larger ones stream with resume. */
export const SMALL_FILE_BYTES = 256 * 1024
/** GETs waiting at the server at once, and the bytes they may answer with. */
const WINDOW_FILES = 64
const WINDOW_BYTES = 4 * 1024 * 1024
/** Files (and bytes) made durable together. */
const GROUP_FILES = 512
const GROUP_BYTES = 16 * 1024 * 1024

interface Received {
  file: JobFile
  part: string
  sha256: string
  size: number
}

type Planned = JobFile & { mtimeMs?: number }

export async function runDownloadJob(
  host: JobHost,
  plan: JobPlan,
  options: DownloadJobOptions & { retries: number },
  tracker: JobTracker,
): Promise<void> {
  tracker.plan(plan.files)
  for (const dir of plan.dirs) {
    tracker.throwIfCancelled()
    try {
      mkdirSync(dir, { recursive: true })
    } catch (err: unknown) {
      throw fromSystemError(err, dir)
    }
  }
  const small: Planned[] = []
  const large: Planned[] = []
  for (const file of plan.files) {
    const skip = tracker.isSkipped(file) || (await alreadyHere(file, options.overwrite === true, tracker))
    if (skip) tracker.fileSkipped(file)
    else if (skip === false) (file.size <= SMALL_FILE_BYTES ? small : large).push(file)
  }
  const root = plan.dirs[0] ?? path.dirname(plan.files[0]?.local ?? '.')
  await downloadSmall(host, small, options, tracker, new GroupSync(root))
  await tracker.oneByOne(large, async (file) => {
    const fileOptions = { ...options, expectedSize: file.size, resume: true }
    const result = await host.runExclusive(
      () => downloadFile(host, file.remote, file.local, fileOptions, tracker.meter, tracker.meter.bytes),
      options.signal,
    )
    return { remotePath: file.remote, sha256: result.sha256, size: result.size }
  })
}

/**
 * True when the local file is already this one (same size and the server's mtime, which Ferry sets only on a
 * file it verified): a job run again skips it. Null (after reporting the failure) when something else is in
 * the way and overwriting was not asked for; false when the file is to be fetched.
 */
async function alreadyHere(file: Planned, overwrite: boolean, tracker: JobTracker): Promise<boolean | null> {
  const stats = lstatSync(file.local, { throwIfNoEntry: false })
  if (!stats) return false
  if (stats.isDirectory()) {
    tracker.fileFailed(file, new FerryError('IS_A_DIRECTORY', `${file.local} is a folder`))
    return null
  }
  if (stats.isFile() && stats.size === file.size && file.mtimeMs !== undefined) {
    if (Math.abs(stats.mtimeMs - file.mtimeMs) < 1) return true
  }
  if (overwrite) return false
  tracker.fileFailed(file, new FerryError('EXISTS', `${file.local} already exists`))
  return null
}

async function downloadSmall(
  host: JobHost,
  files: Planned[],
  options: DownloadJobOptions & { retries: number },
  tracker: JobTracker,
  groupSync: GroupSync,
): Promise<void> {
  let next = 0
  let committing: Promise<void> = Promise.resolve()
  while (next < files.length && !tracker.stopping) {
    let end = next
    let bytes = 0
    while (end < files.length && end - next < GROUP_FILES && bytes < GROUP_BYTES) {
      bytes += (files[end] as Planned).size
      end++
    }
    const group = files.slice(next, end)
    const received: Received[] = []
    try {
      await fetchGroup(host, group, options, tracker, received)
    } catch (err: unknown) {
      // What was received is complete and verified: place it before giving up, so a resume skips it.
      await committing
      await commitGroup(received, options.overwrite === true, tracker, groupSync)
      throw err
    }
    // The next group is fetched while this one is made durable and placed.
    await committing
    committing = commitGroup(received, options.overwrite === true, tracker, groupSync)
    next = end
  }
  await committing
}

/** Fetches a group over one pipelined exchange, reconnecting from the first unanswered file after a drop. */
async function fetchGroup(
  host: JobHost,
  group: Planned[],
  options: DownloadJobOptions & { retries: number },
  tracker: JobTracker,
  received: Received[],
): Promise<void> {
  const cursor = { next: 0 }
  let attempt = 0
  while (cursor.next < group.length && !tracker.stopping) {
    try {
      await host.runExclusive(() => pipeline(host, group, cursor, received, tracker), options.signal)
    } catch (err: unknown) {
      if (isDropped(err) && attempt < options.retries && !host.closed && !tracker.stopping) {
        attempt++
        await backoff(attempt, options.signal)
        continue
      }
      throw err
    }
  }
}

async function pipeline(
  host: JobHost,
  group: Planned[],
  cursor: { next: number },
  received: Received[],
  tracker: JobTracker,
): Promise<void> {
  const conn = await host.connection(tracker.signal)
  await exchange(conn, tracker.signal, async () => {
    const waiting: Array<{ file: Planned; id: number }> = []
    let sent = cursor.next
    let bytesAhead = 0
    const fill = (): void => {
      const requests: Buffer[] = []
      while (sent < group.length && waiting.length < WINDOW_FILES && bytesAhead < WINDOW_BYTES) {
        const file = group[sent++] as Planned
        const id = conn.newId()
        requests.push(encodeHeader({ op: 'GET', id, path: file.remote }))
        waiting.push({ file, id })
        bytesAhead += file.size
      }
      // One write for all of them: a socket write per request was a tenth of the client's time.
      if (requests.length > 0)
        conn.write(requests.length === 1 ? (requests[0] as Buffer) : Buffer.concat(requests))
    }
    fill()
    for (let item = waiting.shift(); item; item = waiting.shift()) {
      const { file, id } = item
      try {
        const got = await receiveOne(conn, id, file)
        received.push(writePart(file, got))
        tracker.meter.advance(got.data.length)
      } catch (err: unknown) {
        // A refusal (vanished, unreadable) or a bad file answers for that file alone; the connection goes on.
        const fileAlone =
          err instanceof FerryError && (err.code === 'CHECKSUM_MISMATCH' || err.code === 'SIZE_MISMATCH')
        if (!isServerRefusal(err) && !fileAlone) {
          if (!(err instanceof LocalWriteError)) throw err
        }
        tracker.fileFailed(file, err instanceof LocalWriteError ? err.cause : err)
      }
      cursor.next++
      bytesAhead -= file.size
      if (tracker.stopping) return
      // Refilled by halves, so requests leave in batches rather than one write per answer.
      if (waiting.length <= WINDOW_FILES / 2) fill()
    }
  })
}

async function receiveOne(
  conn: Awaited<ReturnType<JobHost['connection']>>,
  id: number,
  file: Planned,
): Promise<{ data: Buffer; sha256: string; mtimeMs: number }> {
  const start = conn.parse(await conn.next(), id, ResponseSchemas.GET_START, true)
  if (start.offset !== 0 || start.body !== start.size) {
    throw conn.failWith(
      'PROTOCOL',
      `GET answered offset ${start.offset} and ${start.body} bytes of ${start.size}`,
    )
  }
  // It may have grown since it was listed: a body too large to hold is not read at all.
  if (start.size > 64 * SMALL_FILE_BYTES) {
    throw conn.failWith('SIZE_MISMATCH', `${file.remote}: listed with ${file.size} bytes, now ${start.size}`)
  }
  const data = await readBody(conn, start.body)
  const done = conn.parse(await conn.next(), id, ResponseSchemas.GET_DONE, false)
  if (start.size !== file.size) {
    // Changed since it was listed: as for a single download, refused; the next run lists it afresh.
    throw new FerryError(
      'SIZE_MISMATCH',
      `${file.remote}: the server listed ${file.size} bytes but sent ${start.size}`,
    )
  }
  const sha256 = createHash('sha256').update(data).digest('hex')
  if (sha256 !== done.sha256) {
    throw new FerryError(
      'CHECKSUM_MISMATCH',
      `${file.remote}: SHA-256 of the received file does not match the server's`,
    )
  }
  return { data, sha256, mtimeMs: start.mtimeMs }
}

/** A local file system error while writing one file: that file fails, the connection is fine. */
class LocalWriteError extends Error {
  constructor(override readonly cause: FerryError) {
    super(cause.message)
  }
}

function writePart(file: Planned, got: { data: Buffer; sha256: string; mtimeMs: number }): Received {
  const part = file.local + PART_SUFFIX
  try {
    // Synchronous: a small write is far cheaper than a thread-pool round trip, and this is the client.
    writeFileSync(part, got.data)
    utimesSync(part, new Date(), new Date(got.mtimeMs))
  } catch (err: unknown) {
    rmSync(part, { force: true })
    throw new LocalWriteError(fromSystemError(err, file.local))
  }
  return { file, part, sha256: got.sha256, size: got.data.length }
}

/** Makes a group's parts durable, places them, makes their folders durable; only then are they done. */
async function commitGroup(
  received: Received[],
  overwrite: boolean,
  tracker: JobTracker,
  groupSync: GroupSync,
): Promise<void> {
  if (received.length === 0) return
  try {
    await groupSync.sync(received.map((r) => r.part))
  } catch (err: unknown) {
    for (const r of received) {
      rmSync(r.part, { force: true })
      tracker.fileFailed(r.file, fromSystemError(err, r.file.local), true)
    }
    return
  }
  const placed: Received[] = []
  const folders = new Set<string>()
  for (const r of received) {
    try {
      place(r.part, r.file.local, overwrite)
      placed.push(r)
      folders.add(path.dirname(r.file.local))
    } catch (err: unknown) {
      rmSync(r.part, { force: true })
      tracker.fileFailed(r.file, err, true)
    }
  }
  try {
    await groupSync.sync([], [...folders])
  } catch (err: unknown) {
    for (const r of placed) tracker.fileFailed(r.file, fromSystemError(err, r.file.local), true)
    return
  }
  for (const r of placed) tracker.fileDone(r.file, r.file.remote, r.sha256, r.size)
}

/** Moves a verified part into place; without overwrite never replaces a file (link fails if the name is taken). */
function place(part: string, target: string, overwrite: boolean): void {
  try {
    if (overwrite) {
      if (lstatSync(target, { throwIfNoEntry: false })?.isDirectory()) {
        throw new FerryError('IS_A_DIRECTORY', `${target} is a folder`)
      }
      renameSync(part, target)
      return
    }
    try {
      linkSync(part, target)
      unlinkSync(part)
    } catch (err: unknown) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'EEXIST') throw new FerryError('EXISTS', `${target} already exists`)
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV') throw err
      // No hard links on this file system: check, then rename (a narrow race, as for a single download).
      if (lstatSync(target, { throwIfNoEntry: false }))
        throw new FerryError('EXISTS', `${target} already exists`)
      renameSync(part, target)
    }
  } catch (err: unknown) {
    throw err instanceof FerryError ? err : fromSystemError(err, target)
  }
}
