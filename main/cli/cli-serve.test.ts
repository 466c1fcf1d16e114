// `ferry serve` in-process: prints where it listens, logs connects/leaves, stops cleanly on the abort signal.
import { existsSync } from 'node:fs'
import { connect } from 'node:net'
import { once } from 'node:events'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { main } from './index'
import { captureIo, makeTempDir } from './test-support'

let tmp: { dir: string; cleanup: () => Promise<void> }
beforeEach(async () => {
  tmp = await makeTempDir('serve')
})
afterEach(async () => {
  await tmp.cleanup()
})

describe('ferry serve', () => {
  it('creates the root, prints its address, logs a client, exits 0 when stopped', async () => {
    const stop = new AbortController()
    const io = captureIo(tmp.dir, stop.signal)
    const exit = main(['serve', '0', '--root', 'share', '--name', 'box', '--idle-max', '120'], io)

    const [, host, port] = await io.stdout.waitFor(/listening on (127\.0\.0\.1):(\d+)\n/)
    expect(existsSync(path.join(tmp.dir, 'share'))).toBe(true)
    expect(io.stdout.text()).toContain(`ferry client 127.0.0.1 ${port}`)
    expect(io.stderr.text()).not.toMatch(/reachable from the network/)

    const socket = connect(Number(port), host)
    socket.on('error', () => {})
    const [hello] = (await once(socket, 'data')) as [Buffer]
    expect(hello.toString()).toContain('"server":"box"')
    await io.stdout.waitFor(/\+ 127\.0\.0\.1:\d+ connected \(.+\), idle timeout 2 min\n/)
    socket.end()
    await io.stdout.waitFor(/- 127\.0\.0\.1:\d+ left/)

    stop.abort()
    expect(await exit).toBe(0)
    expect(io.stdout.text()).toMatch(/closed\n$/)
  })

  it('warns when the share is reachable from the network', async () => {
    const stop = new AbortController()
    const io = captureIo(tmp.dir, stop.signal)
    const exit = main(
      ['serve', '0', '--root', tmp.dir, '--host', '0.0.0.0', '--read-only', '--no-announce'],
      io,
    )
    await io.stdout.waitFor(/listening on 0\.0\.0\.0:\d+/)
    expect(io.stderr.text()).toMatch(/^warning: .*reachable from the network/m)
    expect(io.stdout.text()).toMatch(/\(read-only\)/)
    stop.abort()
    expect(await exit).toBe(0)
  })

  it('fails with one line when the port is taken', async () => {
    const stop = new AbortController()
    const first = captureIo(tmp.dir, stop.signal)
    const running = main(['serve', '0', '--root', tmp.dir], first)
    const [, port] = await first.stdout.waitFor(/listening on 127\.0\.0\.1:(\d+)/)

    const second = captureIo(tmp.dir)
    expect(await main(['serve', port ?? '', '--root', tmp.dir], second)).toBe(1)
    expect(second.stderr.text()).toMatch(/^ferry: BUSY: 127\.0\.0\.1:\d+ is already in use.*\n$/)
    stop.abort()
    expect(await running).toBe(0)
  })
})
