// Ferry over S3 against the AWS SDK alone, on the same S3 store (FERRY_S3_*; Ceph's RADOS Gateway in practice): per
// file size and round, the SDK's multipart PUT and a GetObject to disk (both hashing every byte, as Ferry does),
// an S3Store driven in-process (the store's own share of the cost), and a Ferry server over an S3Store in its own
// process with the Ferry client uploading and downloading from and to disk, its peak RSS sampled during each.
// The measures of one round run back to back (SDK, store, Ferry), so a ratio compares like with like on a shared box.
// Each round of a 1 GiB file needs about 2 GiB free in the store (an object and its staged upload).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DeleteObjectCommand } from '@aws-sdk/client-s3'
import { FerryClient } from '../../main/client'
import { FerryError } from '../../main/protocol/error-codes'
import { s3OptionsFromEnv } from '../../main/store/s3/s3-config'
import { DEFAULT_PART_BYTES, PARTS_IN_FLIGHT } from '../../main/store/s3/s3-context'
import { S3Store } from '../../main/store/s3/s3-store'
import { createTestBucket, type TestBucket } from '../../main/store/s3/s3-test-kit'
import { writeSeedFile } from '../perf-target'
import { sdkDownload, sdkUpload, type SdkTransfer } from './s3-sdk-baseline'
import { storeDownload, storeUpload } from './s3-store-direct'
import { ServerProcess } from './server-process'
import { median, type S3Report, type S3Round, type S3SizeReport } from './s3-summary'

export interface S3Options {
  /** File sizes, smallest first; the RSS goal compares the first and the last. */
  sizes: number[]
  rounds: number
  timeoutMs: number
  cpuProfDir?: string
  log: (line: string) => void
}

/** Why the phase cannot run here, or null. */
export function s3SkipReason(env: NodeJS.ProcessEnv = process.env): string | null {
  return env['FERRY_S3_ENDPOINT']
    ? null
    : 'FERRY_S3_ENDPOINT is not set: run `node scripts/with-ceph.mjs npm run bench -- --only s3` (starts a throw-away Ceph store) or set FERRY_S3_* to a store'
}

const mbps = (t: SdkTransfer): number => t.bytes / 1e6 / (t.ms / 1000)

export async function runS3(options: S3Options): Promise<S3Report> {
  const reason = s3SkipReason()
  if (reason) throw new FerryError('STORE_UNAVAILABLE', reason)
  const dir = await mkdtemp(join(tmpdir(), 'ferry-bench-s3-'))
  let bucket: TestBucket | null = null
  try {
    bucket = await createTestBucket()
    return await runIn(dir, bucket, options)
  } finally {
    await bucket?.cleanup()
    await rm(dir, { recursive: true, force: true })
  }
}

async function runIn(dir: string, bucket: TestBucket, options: S3Options): Promise<S3Report> {
  const endpoint = new URL(s3OptionsFromEnv(process.env, { bucket: bucket.bucket }).endpoint)
  const server = await ServerProcess.start(
    { mode: 'ferry', s3Bucket: bucket.bucket },
    { cpuProfDir: options.cpuProfDir },
  )
  const store = new S3Store(bucket.options())
  let client: FerryClient | null = null
  try {
    client = await FerryClient.connect({ host: '127.0.0.1', port: server.port, connectTimeoutMs: 10_000 })
    const idleRss = (await server.stats()).rss
    const sizes: S3SizeReport[] = []
    for (const bytes of options.sizes) {
      const file = join(dir, `seed-${bytes}.bin`)
      await writeSeedFile(file, bytes)
      const rounds: S3Round[] = []
      for (let r = 0; r < options.rounds; r++) {
        const round = await oneRound(bucket, store, server, client, dir, file, bytes, options)
        rounds.push(round)
        options.log(roundLine(bytes, r + 1, round))
      }
      await rm(file, { force: true })
      sizes.push(summarize(bytes, rounds))
    }
    return {
      endpointHost: endpoint.host,
      partBytes: DEFAULT_PART_BYTES,
      partsInFlight: PARTS_IN_FLIGHT,
      idleRss,
      sizes,
    }
  } finally {
    await client?.close()
    await store.close()
    await server.stop()
  }
}

async function oneRound(
  bucket: TestBucket,
  store: S3Store,
  server: ServerProcess,
  client: FerryClient,
  dir: string,
  file: string,
  bytes: number,
  options: S3Options,
): Promise<S3Round> {
  const signal = AbortSignal.timeout(options.timeoutMs)
  const back = join(dir, 'back.bin')
  const sdkKey = `sdk-${bytes}.bin`
  const storePath = `store-${bytes}.bin`
  const name = `ferry-${bytes}.bin`
  // Each object is removed after its GET: a test store may keep objects in RAM (scripts/ceph-s3: memstore,
  // 8 GiB shared with the other tests), so the phase holds one file's worth at a time, and never overwrites
  // (overwritten data waits for the gateway's garbage collection).
  const sdkPut = await sdkUpload(bucket.client, bucket.bucket, sdkKey, file, {
    partBytes: DEFAULT_PART_BYTES,
    partsInFlight: PARTS_IN_FLIGHT,
    signal,
  })
  const sdkGet = await sdkDownload(bucket.client, bucket.bucket, sdkKey, back, signal)
  await bucket.client.send(new DeleteObjectCommand({ Bucket: bucket.bucket, Key: sdkKey }))
  await rm(back, { force: true })
  const storePut = await storeUpload(store, file, storePath, bytes, sdkPut.sha256)
  const storeGet = await storeDownload(store, storePath, back)
  await store.delete(storePath)
  await rm(back, { force: true })
  await server.resetPeak()
  let t0 = performance.now()
  const put = await client.upload(file, name, { signal, mode: 'fail' })
  const ferryPut = { bytes: put.size, ms: performance.now() - t0, sha256: put.sha256 }
  const putPeakRss = (await server.stats()).peakRss
  await server.resetPeak()
  t0 = performance.now()
  const got = await client.download(name, back, { signal, overwrite: true })
  const ferryGet = { bytes: got.size, ms: performance.now() - t0, sha256: got.sha256 }
  const getPeakRss = (await server.stats()).peakRss
  await store.delete(name)
  await rm(back, { force: true })
  for (const t of [sdkGet, ferryPut, ferryGet, storePut]) {
    if (t.bytes !== bytes || t.sha256 !== sdkPut.sha256)
      throw new FerryError('CHECKSUM_MISMATCH', `bench: a ${bytes}-byte file came back changed`)
  }
  return {
    sdkPutMBps: round1(mbps(sdkPut)),
    sdkGetMBps: round1(mbps(sdkGet)),
    storePutMBps: round1(mbps(storePut)),
    storeGetMBps: round1(mbps(storeGet)),
    ferryPutMBps: round1(mbps(ferryPut)),
    ferryGetMBps: round1(mbps(ferryGet)),
    putPeakRss,
    getPeakRss,
  }
}

function summarize(bytes: number, rounds: S3Round[]): S3SizeReport {
  const med = (pick: (r: S3Round) => number): number => round1(median(rounds.map(pick)))
  // Each round's own ratio, then their median: the SDK and Ferry of one round saw the same load.
  const putRatio = median(rounds.map((r) => r.ferryPutMBps / r.sdkPutMBps))
  const getRatio = median(rounds.map((r) => r.ferryGetMBps / r.sdkGetMBps))
  return {
    bytes,
    rounds,
    sdkPutMBps: med((r) => r.sdkPutMBps),
    sdkGetMBps: med((r) => r.sdkGetMBps),
    storePutMBps: med((r) => r.storePutMBps),
    storeGetMBps: med((r) => r.storeGetMBps),
    ferryPutMBps: med((r) => r.ferryPutMBps),
    ferryGetMBps: med((r) => r.ferryGetMBps),
    putRatio: Math.round(putRatio * 1000) / 1000,
    getRatio: Math.round(getRatio * 1000) / 1000,
    peakRss: Math.max(...rounds.map((r) => Math.max(r.putPeakRss, r.getPeakRss))),
  }
}

function roundLine(bytes: number, n: number, r: S3Round): string {
  const mib = Math.round(bytes / 1024 ** 2)
  return (
    `${mib} MiB round ${n}: PUT sdk ${r.sdkPutMBps} / store ${r.storePutMBps} / ferry ${r.ferryPutMBps} MB/s, ` +
    `GET sdk ${r.sdkGetMBps} / store ${r.storeGetMBps} / ferry ${r.ferryGetMBps} MB/s, ` +
    `server peak RSS ${Math.round(r.putPeakRss / 1e6)} / ${Math.round(r.getPeakRss / 1e6)} MB (PUT/GET)`
  )
}

function round1(n: number): number {
  return Math.round(n * 10) / 10
}
