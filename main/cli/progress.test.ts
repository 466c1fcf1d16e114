import { describe, expect, it } from 'vitest'
import { formatBytes, formatDuration, formatRate, formatTimeout } from './format'
import { startTransfer } from './progress'
import { captureIo, captureStream } from './test-support'

describe('transfer progress', () => {
  it('draws a cli-progress bar on a TTY stderr, then prints the summary on stdout', () => {
    const io = { ...captureIo('/'), stderr: captureStream(true) }
    const view = startTransfer(io, 'download', '/big.iso', '/tmp/big.iso')
    view.onProgress({ bytes: 500_000, total: 1_000_000 })
    expect(io.stderr.text()).toMatch(/downloading \/big\.iso -> \/tmp\/big\.iso \[.*\] 50% 500 kB\/1.00 MB/)
    view.onProgress({ bytes: 1_000_000, total: 1_000_000 })
    view.done(1_000_000)
    expect(io.stderr.text()).not.toMatch(/^downloading .*\n/)
    expect(io.stdout.text()).toMatch(
      /^downloaded \/big\.iso -> \/tmp\/big\.iso: 1.00 MB in .+ \(.+ MB\/s\)\n$/,
    )
  })

  it('writes plain start and done lines when stderr is not a TTY', () => {
    const io = captureIo('/')
    const view = startTransfer(io, 'upload', '/home/a', '/a')
    view.onProgress({ bytes: 10, total: 20 })
    view.done(20, 3)
    expect(io.stderr.text()).toBe('uploading /home/a -> /a\n')
    expect(io.stdout.text()).toMatch(/^uploaded \/home\/a -> \/a: 3 files, 20 B in /)
  })
})

describe('formats', () => {
  it('uses decimal units consistently', () => {
    expect(formatBytes(999)).toBe('999 B')
    expect(formatBytes(1000)).toBe('1.00 kB')
    expect(formatBytes(12_345_678)).toBe('12.3 MB')
    expect(formatBytes(5 * 10 ** 12)).toBe('5.00 TB')
    expect(formatRate(10_000_000, 1000)).toBe('10.0 MB/s')
    expect(formatRate(5, 0)).toBe('- B/s')
    expect(formatRate(6, 3)).toBe('2.00 kB/s')
    expect(formatRate(500, 1000)).toBe('500 B/s')
    expect(formatRate(1_500_000_000, 1000)).toBe('1.50 GB/s')
    expect(formatDuration(250)).toBe('250 ms')
    expect(formatDuration(90_000)).toBe('1 min 30 s')
    expect(formatTimeout(300_000)).toBe('5 min')
    expect(formatTimeout(15_000)).toBe('15 s')
    expect(formatTimeout(200)).toBe('200 ms')
  })
})
