import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { linkFromArgv, protocolClientArgs } from './pairing-links'

describe('ferry:// links from the operating system', () => {
  it('finds the link among the arguments of a launch or a second instance', () => {
    const link = 'ferry://192.168.1.20:7420?fp=ab'
    expect(linkFromArgv(['/opt/Ferry/ferry', '--no-sandbox', link])).toBe(link)
    expect(linkFromArgv(['electron', '.', '--', 'FERRY://h:1?fp=x'])).toBe('FERRY://h:1?fp=x')
    expect(linkFromArgv(['/opt/Ferry/ferry', 'https://example.com', '--flag'])).toBeNull()
    expect(linkFromArgv([])).toBeNull()
  })

  it('registers the packaged app by itself and a development run with its app folder', () => {
    expect(protocolClientArgs({ execPath: '/opt/Ferry/ferry', argv: ['/opt/Ferry/ferry'] })).toEqual({
      scheme: 'ferry',
    })
    expect(
      protocolClientArgs({
        defaultApp: true,
        execPath: '/usr/bin/electron',
        argv: ['/usr/bin/electron', 'app'],
      }),
    ).toEqual({ scheme: 'ferry', path: '/usr/bin/electron', args: [path.resolve('app')] })
  })
})
