import { describe, expect, it } from 'vitest'
import { formatBytes, formatEta, formatRate, formatTimeoutSeconds } from './format'
import { breadcrumbs, isWithin, nameProblem, parentPath } from './paths'
import { describeError, toApiError } from './api'

describe('format', () => {
  it('formats sizes, rates, ETAs and timeouts', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1536)).toBe('1.50 KiB')
    expect(formatBytes(64 * 1024 * 1024)).toBe('64.0 MiB')
    expect(formatRate(0)).toBe('—')
    expect(formatRate(2 * 1024 * 1024)).toBe('2.00 MiB/s')
    expect(formatEta(1000, 0)).toBe('—')
    expect(formatEta(125 * 1024, 1024)).toBe('2 min 5 s')
    expect(formatTimeoutSeconds(300_000)).toBe('300 s')
  })
})

describe('paths', () => {
  it('builds breadcrumbs from the root', () => {
    expect(breadcrumbs('a/b')).toEqual([
      { name: 'Share', path: '' },
      { name: 'a', path: 'a' },
      { name: 'b', path: 'a/b' },
    ])
    expect(parentPath('a/b/c')).toBe('a/b')
    expect(isWithin('a/b/c', 'a')).toBe(true)
    expect(isWithin('ab/c', 'a')).toBe(false)
  })

  it('explains names the server would refuse', () => {
    expect(nameProblem('ok.txt')).toBeNull()
    expect(nameProblem('')).not.toBeNull()
    expect(nameProblem('a/b')).not.toBeNull()
    expect(nameProblem('trailing.')).not.toBeNull()
  })
})

describe('api errors', () => {
  it('describes errors without stacks and maps thrown values', () => {
    expect(describeError({ code: 'NOT_FOUND', message: 'gone' })).toBe(
      'gone — it may have been moved or deleted: refresh and try again',
    )
    // What to do, without the raw code; the code only where a bug report is the only help.
    expect(describeError({ code: 'EXISTS', message: 'already exists: a.txt.' })).toBe(
      'already exists: a.txt — choose another name, or replace the existing one',
    )
    expect(describeError({ code: 'INVALID_ARGUMENT', message: 'host: not a host name' })).toBe(
      'host: not a host name',
    )
    expect(describeError({ code: 'INTERNAL', message: 'boom' })).toBe('boom (error code INTERNAL)')
    expect(
      describeError({ code: 'CONNECTION_CLOSED', message: 'lost — the connection was lost: connect again' }),
    ).toBe('lost — the connection was lost: connect again')
    const err = toApiError(new Error('boom'))
    expect(err).toEqual({ code: 'INTERNAL', message: 'boom' })
    expect(toApiError({ code: 'BUSY', message: 'later' })).toEqual({ code: 'BUSY', message: 'later' })
  })
})
