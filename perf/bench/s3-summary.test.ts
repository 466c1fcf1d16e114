import { describe, expect, it } from 'vitest'
import {
  formatS3Report,
  median,
  s3Verdicts,
  type S3Report,
  type S3Round,
  type S3SizeReport,
} from './s3-summary'

const MIB = 1024 * 1024

function size(bytes: number, putRatio: number, getRatio: number, peakRss: number): S3SizeReport {
  const round: S3Round = {
    sdkPutMBps: 100,
    sdkGetMBps: 100,
    storePutMBps: 90,
    storeGetMBps: 90,
    ferryPutMBps: 100 * putRatio,
    ferryGetMBps: 100 * getRatio,
    putPeakRss: peakRss,
    getPeakRss: peakRss - 1,
  }
  return {
    bytes,
    rounds: [round, { ...round, sdkPutMBps: 80 }],
    sdkPutMBps: 90,
    sdkGetMBps: 100,
    storePutMBps: 90,
    storeGetMBps: 90,
    ferryPutMBps: 100 * putRatio,
    ferryGetMBps: 100 * getRatio,
    putRatio,
    getRatio,
    peakRss,
  }
}

function report(sizes: S3SizeReport[]): S3Report {
  return { endpointHost: '127.0.0.1:7480', partBytes: 8 * MIB, partsInFlight: 4, idleRss: 100e6, sizes }
}

describe('s3 bench summary', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([])).toBe(0)
  })

  it('judges the largest size against the SDK and the RSS growth from the smallest', () => {
    const verdicts = s3Verdicts(
      report([size(256 * MIB, 0.5, 0.5, 150e6), size(1024 * MIB, 0.85, 0.79, 220e6)]),
    )
    expect(verdicts.map((v) => [v.name, v.value, v.pass])).toEqual([
      ['s3 1GiB PUT: ferry vs SDK alone', 0.85, true],
      ['s3 1GiB GET: ferry vs SDK alone', 0.79, false],
      ['s3 server peak RSS growth, 256MiB -> 1GiB', 70, false],
    ])
  })

  it('has no RSS verdict with one size, and no verdicts without any', () => {
    expect(s3Verdicts(report([size(64 * MIB, 1, 1, 1)])).map((v) => v.name)).toEqual([
      's3 64MiB PUT: ferry vs SDK alone',
      's3 64MiB GET: ferry vs SDK alone',
    ])
    expect(s3Verdicts(report([]))).toEqual([])
  })

  it('prints the spread of each measure over the rounds', () => {
    const text = formatS3Report(report([size(1024 * MIB, 0.85, 0.9, 200e6)]))
    expect(text).toContain('PUT sdk 90 (80-100), store 90, ferry 85 MB/s (0.85x)')
    expect(text).toContain('GET sdk 100, store 90, ferry 90 MB/s (0.9x)')
  })
})
