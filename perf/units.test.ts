import { describe, expect, it } from 'vitest'
import { formatBytes, parseClientCounts, parseDuration, parseHostPort, parseSize } from './units'

describe('parseSize', () => {
  it.each([
    ['512', 512],
    ['0', 0],
    ['4KiB', 4096],
    ['1MiB', 1048576],
    ['1GiB', 1073741824],
    ['1.5KiB', 1536],
    ['10KB', 10_000],
    ['2MB', 2_000_000],
    ['7B', 7],
  ])('%s -> %d', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes)
  })

  it.each(['', 'KiB', '4kib', '4 K', '-1', '4KiBs', '1.1B', '4Kb', '0x10', '1e3'])('rejects %j', (text) => {
    expect(() => parseSize(text)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })
})

describe('parseDuration', () => {
  it('reads units, bare numbers are seconds', () => {
    expect(parseDuration('60s')).toBe(60_000)
    expect(parseDuration('500ms')).toBe(500)
    expect(parseDuration('2m')).toBe(120_000)
    expect(parseDuration('3')).toBe(3000)
  })

  it.each(['0s', 'abc', '5d', '-1s', ''])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })
})

describe('parseClientCounts', () => {
  it('keeps order', () => {
    expect(parseClientCounts('1,2,4,256')).toEqual([1, 2, 4, 256])
    expect(parseClientCounts(' 8 , 1 ')).toEqual([8, 1])
  })

  it.each(['', '1,,2', '0', '1,x', '1.5', '2,2', '-1'])('rejects %j', (text) => {
    expect(() => parseClientCounts(text)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })

  it('enforces the maximum', () => {
    expect(() => parseClientCounts('5', 4)).toThrow(/between 1 and 4/)
  })
})

describe('parseHostPort', () => {
  it('parses names, IPv4 and bracketed IPv6', () => {
    expect(parseHostPort('127.0.0.1:7420')).toEqual({ host: '127.0.0.1', port: 7420 })
    expect(parseHostPort('box:1')).toEqual({ host: 'box', port: 1 })
    expect(parseHostPort('[::1]:65535')).toEqual({ host: '::1', port: 65535 })
  })

  it.each(['host', 'host:0', 'host:70000', ':80', '::1:80'])('rejects %j', (text) => {
    expect(() => parseHostPort(text)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })
})

it('formatBytes picks binary units', () => {
  expect(formatBytes(4096)).toBe('4KiB')
  expect(formatBytes(1536)).toBe('1.50KiB')
  expect(formatBytes(1024 ** 3)).toBe('1GiB')
  expect(formatBytes(12)).toBe('12B')
})
