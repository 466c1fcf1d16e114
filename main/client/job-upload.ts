// A folder upload as one job. Where the server offers 'put-batch', small files travel many to a PUT_BATCH frame
// (read and hashed here, checked, verified, placed and made durable as a group there), with the next batch sent
// while the server works on the previous one. Larger files, and every file on an older server, go one at a time
// as resumable streamed PUTs. A file that fails is reported and the job goes on.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { FerryError, fromSystemError } from '../protocol/error-codes'
import { MAX_BATCH_BYTES, MAX_BATCH_FILE_BYTES, MAX_BATCH_FILES } from '../protocol/limits'
import { BatchResultsSchema, ResponseSchemas, type BatchResult } from '../protocol/messages'
import type { Connection } from './connection'
import { hasFeature, type JobHost } from './job-host'
import type { JobPlan } from './job-plan'
import type { JobTracker } from './job-tracker'
import type { JobFile, UploadJobOptions } from './job-types'
import { backoff, exchange, isDropped } from './link'
import { readJsonBody } from './small-exchanges'
import { prepareUpload, uploadFile } from './upload'

/** Files up to this size go in batches. */
const BATCH_FILE_BYTES = 256 * 1024
/** Room left in a PUT_BATCH header for the file list (the limit is 64 KiB). */
const HEADER_BUDGET = 48 * 1024
/** Batches sent ahead of the answers. */
const BATCHES_AHEAD = 2
/** A batch answered BUSY is sent again after a pause, at most this many times. */
const BUSY_RETRIES = 8

interface Loaded {
  file: JobFile
  data: Buffer
  sha256: string
}

interface Batch {
  id: number
  items: Loaded[]
}

export async function runUploadJob(
  host: JobHost,
  plan: JobPlan,
  options: UploadJobOptions & { retries: number },
  tracker: JobTracker,
): Promise<void> {
  tracker.plan(plan.files)
  for (const dir of plan.dirs) {
    tracker.throwIfCancelled()
    await host.mkdir(dir, { parents: true })
  }
  const batched = hasFeature(host, 'put-batch')
  const small: JobFile[] = []
  const single: JobFile[] = []
  for (const file of plan.files) {
    if (tracker.isSkipped(file)) tracker.fileSkipped(file)
    else (batched && file.size <= BATCH_FILE_BYTES ? small : single).push(file)
  }
  if (small.length > 0) await uploadBatches(host, small, single, options, tracker)
  await tracker.oneByOne(single, async (file) => {
    const prepared = await prepareUpload(file.local, options.signal)
    const result = await host.runExclusive(
      () => uploadFile(host, file.local, file.remote, options, tracker.meter, tracker.meter.bytes, prepared),
      options.signal,
    )
    return { remotePath: result.path, sha256: result.sha256, size: result.size }
  })
}

/**
 * Sends the small files in batches. A file that turns out to be larger than a batch takes is moved to
 * `single`. After a dropped connection the unanswered batches are sent again with skipIdentical, so what the
 * server had already stored counts as done instead of failing as EXISTS or landing twice.
 */
async function uploadBatches(
  host: JobHost,
  files: JobFile[],
  single: JobFile[],
  options: UploadJobOptions & { retries: number },
  tracker: JobTracker,
): Promise<void> {
  const queue: Queue = { files, next: 0, again: [] }
  // A second lane only pays for itself on a folder of more than a few batches.
  const second = files.length > 2 * MAX_BATCH_FILES && host.fork ? await host.fork().catch(() => null) : null
  try {
    await Promise.all([
      lane(host, queue, single, options, tracker),
      ...(second ? [lane(second, queue, single, options, tracker)] : []),
    ])
  } finally {
    await second?.close()
  }
}

/** One connection taking batches from the shared queue until it is empty (JavaScript runs one lane at a time). */
async function lane(
  host: JobHost,
  queue: Queue,
  single: JobFile[],
  options: UploadJobOptions & { retries: number },
  tracker: JobTracker,
): Promise<void> {
  let attempt = 0
  let busy = 0
  while ((queue.next < queue.files.length || queue.again.length > 0) && !tracker.stopping) {
    try {
      const outcome = await host.runExclusive(
        () => sendBatches(host, queue, single, options, tracker),
        options.signal,
      )
      if (outcome === 'busy') {
        busy++
        if (busy > BUSY_RETRIES) {
          const error = new FerryError('BUSY', 'the server stayed too busy to take this batch')
          for (const item of queue.again.splice(0)) tracker.fileFailed(item.file, error)
        } else {
          await backoff(busy + 1, options.signal)
        }
      } else {
        busy = 0
      }
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

type Queue = { files: JobFile[]; next: number; again: Loaded[] }

/** One exchange: batches go out BATCHES_AHEAD at a time; returns 'busy' when the server asked to wait. */
async function sendBatches(
  host: JobHost,
  queue: Queue,
  single: JobFile[],
  options: UploadJobOptions,
  tracker: JobTracker,
): Promise<'done' | 'busy'> {
  const conn = await host.connection(options.signal)
  const inFlight: Batch[] = []
  try {
    return await exchange(conn, options.signal, async () => {
      for (;;) {
        while (inFlight.length < BATCHES_AHEAD && !tracker.stopping) {
          const items = nextBatch(queue, single, tracker)
          if (items.length === 0) break
          inFlight.push(send(conn, items, options))
        }
        const batch = inFlight[0]
        if (!batch) return 'done'
        const results = await receive(conn, batch)
        // Answered: from here it is settled (or sent round again), never lost with the connection.
        inFlight.shift()
        if (results === 'busy') {
          // Everything sent after it is answered in turn; what is refused too goes round again.
          const refused = [...batch.items]
          for (let later = inFlight[0]; later; later = inFlight[0]) {
            const laterResults = await receive(conn, later)
            inFlight.shift()
            if (laterResults === 'busy') refused.push(...later.items)
            else settle(later, laterResults, tracker)
          }
          queue.again.unshift(...refused)
          return 'busy'
        }
        settle(batch, results, tracker)
      }
    })
  } catch (err: unknown) {
    // Unanswered batches go round again (skipIdentical makes a second delivery harmless).
    for (const batch of inFlight.reverse()) queue.again.unshift(...batch.items)
    throw err
  }
}

/** Reads the next files (whole, hashed once) up to a batch's limits. */
function nextBatch(queue: Queue, single: JobFile[], tracker: JobTracker): Loaded[] {
  const items: Loaded[] = queue.again.splice(0, MAX_BATCH_FILES)
  let bytes = items.reduce((sum, i) => sum + i.data.length, 0)
  let header = items.reduce((sum, i) => sum + headerCost(i.file), 0)
  while (queue.next < queue.files.length && items.length < MAX_BATCH_FILES && !tracker.stopping) {
    const file = queue.files[queue.next] as JobFile
    if (bytes + file.size > MAX_BATCH_BYTES || header + headerCost(file) > HEADER_BUDGET) break
    queue.next++
    let data: Buffer
    try {
      // Synchronous: a small read is far cheaper than a thread-pool round trip, and this is the client.
      data = readFileSync(file.local)
    } catch (err: unknown) {
      tracker.fileFailed(file, fromSystemError(err, file.local))
      continue
    }
    if (data.length > MAX_BATCH_FILE_BYTES || bytes + data.length > MAX_BATCH_BYTES) {
      // It grew since it was listed: it goes on its own, streamed.
      single.push({ ...file, size: data.length })
      continue
    }
    bytes += data.length
    header += headerCost(file)
    items.push({ file, data, sha256: createHash('sha256').update(data).digest('hex') })
  }
  return items
}

function headerCost(file: JobFile): number {
  // {"path":"…","size":N,"sha256":"<64>"}, with JSON escapes at their worst for the path.
  return Buffer.byteLength(file.remote) * 2 + 110
}

function send(conn: Connection, items: Loaded[], options: UploadJobOptions): Batch {
  const id = conn.newId()
  const body = Buffer.concat(items.map((i) => i.data))
  const files = items.map((i) => ({ path: i.file.remote, size: i.data.length, sha256: i.sha256 }))
  conn.writeFrame(
    { op: 'PUT_BATCH', id, mode: options.mode ?? 'fail', files, body: body.length, skipIdentical: true },
    body,
  )
  return { id, items }
}

async function receive(conn: Connection, batch: Batch): Promise<BatchResult[] | 'busy'> {
  let head
  try {
    head = conn.parse(await conn.next(), batch.id, ResponseSchemas.PUT_BATCH, true)
  } catch (err: unknown) {
    if (err instanceof FerryError && err.code === 'BUSY') return 'busy'
    throw err
  }
  const results = await readJsonBody(conn, head.body, BatchResultsSchema, 'PUT_BATCH results')
  if (results.length !== batch.items.length) {
    throw conn.failWith(
      'PROTOCOL',
      `PUT_BATCH answered ${results.length} results for ${batch.items.length} files`,
    )
  }
  return results
}

function settle(batch: Batch, results: BatchResult[], tracker: JobTracker): void {
  results.forEach((result, k) => {
    const item = batch.items[k] as Loaded
    tracker.meter.advance(item.data.length)
    if (!result.ok) {
      tracker.fileFailed(item.file, new FerryError(result.error.code, result.error.message), true)
    } else if (result.sha256 !== item.sha256 || result.size !== item.data.length) {
      tracker.fileFailed(
        item.file,
        new FerryError(
          'CHECKSUM_MISMATCH',
          `${item.file.remote}: the server stored ${result.size} bytes, ${result.sha256}`,
        ),
        true,
      )
    } else {
      tracker.fileDone(item.file, result.path, result.sha256, result.size)
    }
  })
}
