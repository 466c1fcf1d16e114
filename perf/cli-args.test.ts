import { describe, expect, it } from 'vitest'
import { parsePerfArgs as parseAny, perfHelp, type PerfCliOptions } from './cli-args'

/** The options, for argument lists that are not a request for help. */
function parsePerfArgs(args: readonly string[]): PerfCliOptions {
  const parsed = parseAny(args)
  if (parsed === 'help') throw new Error('unexpected help')
  return parsed
}

describe('parsePerfArgs', () => {
  it('answers -h and --help with the help text, not an error', () => {
    expect(parseAny(['--help'])).toBe('help')
    expect(parseAny(['-h'])).toBe('help')
    expect(perfHelp()).toMatch(/--clients/)
  })

  it('reads every option', () => {
    const parsed = parsePerfArgs([
      '--clients',
      '1,2,4',
      '--size',
      '1MiB',
      '--requests',
      '50',
      '--mix',
      'mixed',
      '--target',
      '10.0.0.2:7420',
      '--out',
      'dir',
      '--duration',
      '5s',
      '--workers',
      '0',
    ])
    expect(parsed.run).toMatchObject({
      clientCounts: [1, 2, 4],
      sizeBytes: 1048576,
      requests: 50,
      mix: 'mixed',
      target: { host: '10.0.0.2', port: 7420 },
      maxDurationMs: 5000,
      workers: 0,
    })
    expect(parsed.out).toBe('dir')
  })

  it('defaults to a local target, 4 KiB GETs and 60 s per step', () => {
    const parsed = parsePerfArgs([])
    expect(parsed.run).toMatchObject({ target: 'local', sizeBytes: 4096, mix: 'get', maxDurationMs: 60_000 })
    expect(parsed.run.workers).toBeGreaterThanOrEqual(1)
    expect(parsed.out).toBeNull()
  })

  it.each([
    [['--size', '4kb']],
    [['--clients', '1,0']],
    [['--mix', 'put']],
    [['--requests', '0']],
    [['--target', 'nohost']],
    [['--duration', 'forever']],
    [['--workers', '-1']],
    [['--bogus']],
    [['extra']],
  ])('rejects %j', (args) => {
    expect(() => parsePerfArgs(args)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })
})
