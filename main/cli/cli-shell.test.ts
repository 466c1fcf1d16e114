// `ferry client HOST PORT` in-process with piped (non-TTY) stdin: commands run in order, failures are reported
// and counted, and an idle-closed connection is announced and reopened on the next command.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FerryServer } from '../server'
import { main } from './index'
import { captureIo, makeTempDir } from './test-support'

let tmp: { dir: string; cleanup: () => Promise<void> }
let share: string
let local: string
let server: FerryServer | null = null

beforeEach(async () => {
  tmp = await makeTempDir('shell')
  share = path.join(tmp.dir, 'share')
  local = path.join(tmp.dir, 'local')
  await mkdir(local)
})
afterEach(async () => {
  await server?.close({ graceMs: 0 })
  server = null
  await tmp.cleanup()
})

describe('ferry client (interactive shell)', () => {
  it('takes HOST:PORT as every other command does, as well as HOST PORT', async () => {
    server = await FerryServer.start({ root: share, port: 0, name: 'shell-box' })
    const io = captureIo(local)
    io.stdin.end('pwd\nquit\n')
    const code = await main(['client', `127.0.0.1:${server.address().port}`], io)
    expect(io.stderr.text()).toBe('')
    expect(code).toBe(0)
    expect(io.stdout.text()).toMatch(/^connected to "shell-box" at 127\.0\.0\.1:\d+/)
    const bare = captureIo(local)
    expect(await main(['client', '::1'], bare)).toBe(2)
    expect(bare.stderr.text()).toContain('missing port')
  })

  it('runs piped commands: client_post, ls, cd, client_get, pwd, quit', async () => {
    server = await FerryServer.start({ root: share, port: 0, name: 'shell-box' })
    await writeFile(path.join(local, 'up.txt'), 'uploaded from the shell')
    const io = captureIo(local)
    io.stdin.end(
      [
        'mkdir docs',
        'cd docs',
        'client_post up.txt',
        'ls -l',
        'pwd',
        'lcd ..',
        'mkdir "with space"',
        'ls',
        'cd ..',
        'client_get docs',
        'quit',
        'ls this-never-runs',
      ].join('\n'),
    )
    const code = await main(['client', '127.0.0.1', String(server.address().port)], io)
    const out = io.stdout.text()
    expect(io.stderr.text()).toMatch(/^uploading .*\ndownloading .*\n$/)
    expect(code).toBe(0)
    expect(out).toMatch(/^connected to "shell-box" at 127\.0\.0\.1:\d+, idle timeout 5 min\n/)
    expect(out).toContain('created /docs\n')
    expect(out).toMatch(/uploaded .*up\.txt -> \/docs\/up\.txt: 23 B/)
    expect(out).toMatch(/-\s+23\s+.*up\.txt\n/)
    expect(out).toContain('\n/docs\n')
    expect(out).toContain('with space/\nup.txt\n')
    expect(await readFile(path.join(share, 'docs', 'up.txt'), 'utf8')).toBe('uploaded from the shell')
    // client_get after `lcd ..` lands in the parent of the starting folder.
    expect(await readFile(path.join(tmp.dir, 'docs', 'up.txt'), 'utf8')).toBe('uploaded from the shell')
    expect(out).not.toContain('this-never-runs')
  })

  it('reports a failed command, keeps going, and exits 1 at the end', async () => {
    server = await FerryServer.start({ root: share, port: 0 })
    const io = captureIo(local)
    io.stdin.end('client_get missing.txt\nfrobnicate\ncd nowhere\nget\nmkdir ok\n')
    const code = await main(['client', '127.0.0.1', String(server.address().port)], io)
    expect(code).toBe(1)
    const errors = io.stderr.text().trim().split('\n')
    expect(errors).toEqual([
      expect.stringMatching(/^ferry: NOT_FOUND: /),
      expect.stringMatching(/^ferry: INVALID_ARGUMENT: unknown command "frobnicate"/),
      expect.stringMatching(/^ferry: NOT_FOUND: /),
      'ferry: INVALID_ARGUMENT: usage: get [-f] REMOTE [LOCAL]',
    ])
    expect(io.stdout.text()).toContain('created /ok\n')
  })

  it('says when the server closed the idle connection and reconnects on the next command', async () => {
    // A tiny idle budget so the connection closes while the shell waits for input.
    server = await FerryServer.start({ root: share, port: 0, idlePolicy: { maxMs: 200, minMs: 200 } })
    const io = captureIo(local)
    const exit = main(['client', '127.0.0.1', String(server.address().port)], io)
    await io.stdout.waitFor(/idle timeout 200 ms\n/)
    // The client closes just before the server would (or the server's TIMEOUT notice wins): either is said.
    await io.stdout.waitFor(
      /(idle connection closed \(idle timeout 200 ms\)|server closed the connection \(TIMEOUT: .*\)); reconnecting on the next command\n/,
    )
    io.stdin.end('mkdir after-idle\n')
    expect(await exit).toBe(0)
    expect(io.stdout.text()).toMatch(
      /reconnected to ".*" at 127\.0\.0\.1:\d+, idle timeout 200 ms\ncreated \/after-idle\n/,
    )
  })

  it('connection refused is a plain error, exit 1', async () => {
    server = await FerryServer.start({ root: share, port: 0 })
    const port = server.address().port
    await server.close({ graceMs: 0 })
    server = null
    const io = captureIo(local)
    io.stdin.end('quit\n')
    expect(await main(['client', '127.0.0.1', String(port)], io)).toBe(1)
    expect(io.stderr.text()).toMatch(/^ferry: CONNECTION_FAILED: .+\n$/)
  })
})
