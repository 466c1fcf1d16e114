// Usage errors and help through main(argv, io), no server needed: bad input must exit 2 with one clear line.
import { describe, expect, it } from 'vitest'
import { main } from './index'
import type { Connect } from './remote-client'
import { captureIo } from './test-support'

const neverConnect: Connect = () => {
  throw new Error('a usage error must be caught before connecting')
}

async function run(...argv: string[]) {
  const io = captureIo(process.cwd())
  const code = await main(argv, { ...io, connect: neverConnect })
  return { code, out: io.stdout.text(), err: io.stderr.text() }
}

describe('ferry usage', () => {
  it('prints help on --help and exits 0', async () => {
    const { code, out } = await run('--help')
    expect(code).toBe(0)
    expect(out).toMatch(/Usage: ferry/)
    for (const cmd of ['serve', 'ls', 'get', 'put', 'rm', 'mkdir', 'mv', 'ping', 'client'])
      expect(out).toContain(cmd)
  })

  it('prints subcommand help', async () => {
    const { code, out } = await run('put', '--help')
    expect(code).toBe(0)
    expect(out).toMatch(/--mode <mode>/)
  })

  it('unknown command -> exit 2 and one error line', async () => {
    const { code, err } = await run('fetch', '1.2.3.4:7420')
    expect(code).toBe(2)
    expect(err).toMatch(/^ferry: INVALID_ARGUMENT: unknown command 'fetch'.*\n$/)
  })

  it.each([
    [['ls', 'nohost'], /missing port/],
    [['get', '::1:7420', 'a'], /need brackets/],
    [['ping', 'host:99999'], /expected 1-65535/],
    [['client', 'localhost', 'x'], /invalid port "x"/],
  ])('bad address %j -> exit 2', async (argv, message) => {
    const { code, err } = await run(...argv)
    expect(code).toBe(2)
    expect(err).toMatch(/^ferry: INVALID_ARGUMENT: /)
    expect(err).toMatch(message)
    expect(err.trim().split('\n')).toHaveLength(1)
  })

  it.each([
    [['get', 'h:1']],
    [['mv', 'h:1', 'a']],
    [['put', 'h:1', 'a', '--mode', 'replace']],
    [['rm', 'h:1', 'a', 'b']],
    [['serve', '--idle-min', '30', '--idle-max', '10']],
    [['serve', '--max-connections', 'many']],
    [['serve', '70000']],
  ])('invalid arguments %j -> exit 2', async (argv) => {
    const { code, err } = await run(...argv)
    expect(code).toBe(2)
    expect(err).toMatch(/^ferry: INVALID_ARGUMENT: /)
    expect(err).not.toMatch(/\n\s+at /)
  })

  it('no command prints help on stderr and exits 2', async () => {
    const { code, err } = await run()
    expect(code).toBe(2)
    expect(err).toMatch(/Usage: ferry/)
  })
})
