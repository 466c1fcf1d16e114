// Bulk throughput: the raw TCP pipe against a Ferry GET and POST of the same size (with the end-to-end SHA-256
// the client and server compute), and the Ferry server's peak RSS during small and large transfers.
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FerryClient } from '../../main/client'
import { FerryError } from '../../main/protocol/error-codes'
import { writeSeedFile } from '../perf-target'
import { rawBulk, type RawBulkOptions } from './raw-bulk'
import type { ServerStats } from './server-process'
import { ServerProcess } from './server-process'

export interface BulkReport {
  bytes: number
  raw: { downloadMBps: number; uploadMBps: number }
  /** Raw TCP where the receiver also computes SHA-256: the ceiling of any verified copy on this machine. */
  rawHashed: { downloadMBps: number; uploadMBps: number }
  /** Raw TCP where the receiver writes the bytes to a file and fsyncs it: what this disk allows. */
  rawDisk: { downloadMBps: number; uploadMBps: number }
  /** Raw TCP where the receiver hashes, writes and fsyncs: the receiver's share of Ferry's work, nothing else. */
  rawHashedDisk: { downloadMBps: number; uploadMBps: number }
  /** As rawHashedDisk, and the sender hashes too: Ferry's work without framing, file reads and protocol. */
  rawBothHashedDisk: { downloadMBps: number; uploadMBps: number }
  ferry: {
    getMBps: number
    postMBps: number
    getRatio: number
    postRatio: number
    getRatioVsHashed: number
    postRatioVsHashed: number
    getRatioVsHashedDisk: number
    postRatioVsHashedDisk: number
    getRatioVsBothHashedDisk: number
    postRatioVsBothHashedDisk: number
    /** A second GET of the same file: the server sends its cached whole-file hash instead of hashing again. */
    repeatGetMBps: number
    repeatGetRatio: number
  }
  /** Server peak RSS (bytes) during a small and a large GET+POST. */
  memory: {
    smallBytes: number
    largeBytes: number
    smallPeakRss: number
    largePeakRss: number
    growth: number
  }
}

export interface BulkOptions {
  bytes: number
  smallBytes: number
  timeoutMs: number
  cpuProfDir?: string
  log: (line: string) => void
}

export async function runBulk(options: BulkOptions): Promise<BulkReport> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-bench-bulk-'))
  try {
    return await runIn(dir, options)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

type Pair = { downloadMBps: number; uploadMBps: number }

/**
 * The raw baselines, each direction in turn. The disk variants write where Ferry's receivers do: the server
 * into the share folder, the client into the local folder, both on the same file system as Ferry's files.
 */
async function rawBaselines(
  root: string,
  local: string,
  options: BulkOptions,
): Promise<{ raw: Pair; hashed: Pair; disk: Pair; hashedDisk: Pair; bothHashedDisk: Pair }> {
  const server = await ServerProcess.start({ mode: 'raw-bulk', root })
  try {
    // One warm-up round so both sides run optimized code before we time anything.
    await rawBulk(server.port, 'download', Math.min(options.bytes, 64 * 1024 * 1024), options.timeoutMs)
    const pair = async (opts: RawBulkOptions): Promise<Pair> => {
      const speed = async (direction: 'download' | 'upload'): Promise<number> =>
        (await rawBulk(server.port, direction, options.bytes, options.timeoutMs, opts)).mbPerSec
      const downloadMBps = await speed('download')
      return { downloadMBps, uploadMBps: await speed('upload') }
    }
    const raw = await pair({})
    const hashed = await pair({ hash: true })
    const disk = await pair({ diskDir: local })
    const hashedDisk = await pair({ hash: true, diskDir: local })
    const bothHashedDisk = await pair({ hash: true, senderHash: true, diskDir: local })
    return { raw, hashed, disk, hashedDisk, bothHashedDisk }
  } finally {
    await server.stop()
  }
}

function pairLine(label: string, p: Pair): string {
  return `${label}: download ${p.downloadMBps.toFixed(0)} MB/s, upload ${p.uploadMBps.toFixed(0)} MB/s`
}

async function runIn(dir: string, options: BulkOptions): Promise<BulkReport> {
  const root = join(dir, 'share')
  const local = join(dir, 'local')
  await Promise.all([mkdir(root, { recursive: true }), mkdir(local, { recursive: true })])
  const base = await rawBaselines(root, local, options)
  options.log(pairLine('raw TCP', base.raw))
  options.log(pairLine('raw TCP + SHA-256 at the receiver', base.hashed))
  options.log(pairLine('raw TCP + receiver writes a file and fsyncs', base.disk))
  options.log(pairLine('raw TCP + receiver hashes, writes and fsyncs', base.hashedDisk))
  options.log(pairLine('raw TCP + both ends hash, receiver writes and fsyncs', base.bothHashedDisk))
  const rawDown = base.raw.downloadMBps
  const rawUp = base.raw.uploadMBps
  const hashedDown = base.hashed.downloadMBps
  const hashedUp = base.hashed.uploadMBps
  let server: ServerProcess | null = null
  let client: FerryClient | null = null
  try {
    await writeSeedFile(join(root, 'small.bin'), options.smallBytes)
    await writeSeedFile(join(root, 'large.bin'), options.bytes)
    const ferry = await ServerProcess.start({ mode: 'ferry', root }, { cpuProfDir: options.cpuProfDir })
    server = ferry
    const ferryClient = await FerryClient.connect({
      host: '127.0.0.1',
      port: ferry.port,
      connectTimeoutMs: 10_000,
    })
    client = ferryClient
    const roundTrip = async (
      name: string,
    ): Promise<{ getMBps: number; postMBps: number; peak: ServerStats }> => {
      const signal = AbortSignal.timeout(options.timeoutMs)
      await ferry.resetPeak()
      const t0 = performance.now()
      const got = await ferryClient.download(name, join(local, name), { signal, overwrite: true })
      const t1 = performance.now()
      const put = await ferryClient.upload(join(local, name), `up-${name}`, { signal, mode: 'overwrite' })
      const t2 = performance.now()
      if (put.sha256 !== got.sha256)
        throw new FerryError('CHECKSUM_MISMATCH', `bench: ${name} came back changed`)
      const peak = await ferry.stats()
      await rm(join(local, name), { force: true })
      return {
        getMBps: got.size / 1e6 / ((t1 - t0) / 1000),
        postMBps: put.size / 1e6 / ((t2 - t1) / 1000),
        peak,
      }
    }
    await roundTrip('small.bin')
    const small = await roundTrip('small.bin')
    const large = await roundTrip('large.bin')
    options.log(`ferry: GET ${large.getMBps.toFixed(0)} MB/s, POST ${large.postMBps.toFixed(0)} MB/s`)
    const t0 = performance.now()
    const again = await ferryClient.download('large.bin', join(local, 'large.bin'), {
      signal: AbortSignal.timeout(options.timeoutMs),
      overwrite: true,
    })
    const repeatGetMBps = again.size / 1e6 / ((performance.now() - t0) / 1000)
    await rm(join(local, 'large.bin'), { force: true })
    options.log(`ferry: repeat GET (server hash cached) ${repeatGetMBps.toFixed(0)} MB/s`)
    return {
      bytes: options.bytes,
      raw: { downloadMBps: round(rawDown), uploadMBps: round(rawUp) },
      rawHashed: { downloadMBps: round(hashedDown), uploadMBps: round(hashedUp) },
      rawDisk: roundPair(base.disk),
      rawHashedDisk: roundPair(base.hashedDisk),
      rawBothHashedDisk: roundPair(base.bothHashedDisk),
      ferry: {
        getMBps: round(large.getMBps),
        postMBps: round(large.postMBps),
        getRatio: round(large.getMBps / rawDown, 3),
        postRatio: round(large.postMBps / rawUp, 3),
        getRatioVsHashed: round(large.getMBps / hashedDown, 3),
        postRatioVsHashed: round(large.postMBps / hashedUp, 3),
        getRatioVsHashedDisk: round(large.getMBps / base.hashedDisk.downloadMBps, 3),
        postRatioVsHashedDisk: round(large.postMBps / base.hashedDisk.uploadMBps, 3),
        getRatioVsBothHashedDisk: round(large.getMBps / base.bothHashedDisk.downloadMBps, 3),
        postRatioVsBothHashedDisk: round(large.postMBps / base.bothHashedDisk.uploadMBps, 3),
        repeatGetMBps: round(repeatGetMBps),
        repeatGetRatio: round(repeatGetMBps / rawDown, 3),
      },
      memory: {
        smallBytes: options.smallBytes,
        largeBytes: options.bytes,
        smallPeakRss: small.peak.peakRss,
        largePeakRss: large.peak.peakRss,
        growth: large.peak.peakRss - small.peak.peakRss,
      },
    }
  } finally {
    await client?.close()
    await server?.stop()
  }
}

function roundPair(p: Pair): Pair {
  return { downloadMBps: round(p.downloadMBps), uploadMBps: round(p.uploadMBps) }
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}
