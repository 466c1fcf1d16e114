import { expect, it } from 'vitest'
import { rsyncdConfig } from './rsync-daemon'
import { describeFailure } from './timed-command'

it('writes one writable module that runs as the given user without chroot', () => {
  const text = rsyncdConfig({
    name: 'bench',
    path: '/tmp/x/share',
    uid: 1000,
    gid: 1001,
    logFile: '/tmp/x/log',
  })
  expect(text).toBe(
    [
      'log file = /tmp/x/log',
      'reverse lookup = no',
      '',
      '[bench]',
      '    path = /tmp/x/share',
      '    read only = no',
      '    use chroot = no',
      '    uid = 1000',
      '    gid = 1001',
      '    numeric ids = yes',
      '',
    ].join('\n'),
  )
})

it('describes a failed command by how it ended and its last line', () => {
  const run = {
    ms: 5,
    code: 1,
    signal: null,
    output: 'line one\nrsync: connection refused\n',
    timedOut: false,
  }
  expect(describeFailure(run, 1000)).toBe('exit code 1: rsync: connection refused')
  expect(describeFailure({ ...run, output: '' }, 1000)).toBe('exit code 1')
  expect(describeFailure({ ...run, code: null, signal: 'SIGKILL', timedOut: true }, 120_000)).toBe(
    'did not finish in 120 s',
  )
})
