// The command line's --token / --tls / --fingerprint end to end: `ferry serve` with TLS and a token, clients
// pinning on first use, a wrong fingerprint refused, the token taken from $FERRY_TOKEN, and ferry:// links.
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../cli'
import { captureIo, makeTempDir } from '../cli/test-support'

let tmp: { dir: string; cleanup: () => Promise<void> }
beforeEach(async () => {
  tmp = await makeTempDir('access')
})
afterEach(async () => {
  delete process.env['FERRY_TOKEN']
  await tmp.cleanup()
})

describe('ferry --tls --token', () => {
  it('serves TLS with a token; clients pin on first use and refuse a wrong fingerprint', async () => {
    const stop = new AbortController()
    const serverIo = captureIo(tmp.dir, stop.signal)
    const serverData = path.join(tmp.dir, 'server-data')
    const clientData = path.join(tmp.dir, 'client-data')
    const running = main(
      ['serve', '0', '--root', 'share', '--tls', '--token', 'pin 4711', '--data-dir', serverData],
      serverIo,
    )
    const [, port] = await serverIo.stdout.waitFor(/listening on 127\.0\.0\.1:(\d+)\n/)
    const [, fp] = await serverIo.stdout.waitFor(/--fingerprint ([0-9A-F]{64})\)/)
    const address = `127.0.0.1:${port}`
    try {
      const first = captureIo(tmp.dir)
      expect(
        await main(['ping', address, '--tls', '--token', 'pin 4711', '--data-dir', clientData], first),
      ).toBe(0)
      expect(first.stderr.text()).toMatch(/pinned its certificate/)
      const again = captureIo(tmp.dir)
      process.env['FERRY_TOKEN'] = 'pin 4711'
      expect(await main(['ls', address, '--tls', '--data-dir', clientData], again)).toBe(0)
      expect(again.stderr.text()).not.toMatch(/pinned/)

      const pinned = captureIo(tmp.dir)
      expect(
        await main(['ping', address, '--fingerprint', fp!.toLowerCase(), '--data-dir', clientData], pinned),
      ).toBe(0)

      const wrong = captureIo(tmp.dir)
      expect(await main(['ping', address, '--fingerprint', 'ab'.repeat(32)], wrong)).toBe(1)
      expect(wrong.stderr.text()).toMatch(/FINGERPRINT_MISMATCH/)

      const plain = captureIo(tmp.dir)
      expect(await main(['ping', address], plain)).toBe(1)
      expect(plain.stderr.text()).toMatch(/TLS_REQUIRED/)

      delete process.env['FERRY_TOKEN']
      const noToken = captureIo(tmp.dir)
      expect(await main(['ping', address, '--tls', '--data-dir', clientData], noToken)).toBe(1)
      expect(noToken.stderr.text()).toMatch(/AUTH_REQUIRED/)
    } finally {
      stop.abort()
      expect(await running).toBe(0)
    }
  })
})

describe('ferry with a pairing link', () => {
  it('connects pinned to the link, stores the pin, and refuses a link naming another certificate', async () => {
    const stop = new AbortController()
    const serverIo = captureIo(tmp.dir, stop.signal)
    const serverData = path.join(tmp.dir, 'server-data')
    const clientData = path.join(tmp.dir, 'client-data')
    const running = main(
      ['serve', '0', '--root', 'share', '--tls', '--token', 'tok+en', '--data-dir', serverData],
      serverIo,
    )
    const [, port] = await serverIo.stdout.waitFor(/listening on 127\.0\.0\.1:(\d+)\n/)
    const [, fp] = await serverIo.stdout.waitFor(/--fingerprint ([0-9A-F]{64})\)/)
    const link = `ferry://127.0.0.1:${port}?fp=${fp!.toLowerCase()}`
    const run = async (args: string[], stdin?: string) => {
      const io = captureIo(tmp.dir)
      if (stdin !== undefined) io.stdin.end(stdin)
      const code = await main([...args, '--data-dir', clientData], io)
      return { code, out: io.stdout.text(), err: io.stderr.text() }
    }
    try {
      // A link carrying the token: nothing else needed. It pins, so a later --tls connect trusts without a word.
      expect(await run(['ping', `${link}&token=tok%2Ben`])).toMatchObject({ code: 0, err: '' })
      const later = await run(['ls', `127.0.0.1:${port}`, '--tls', '--token', 'tok+en'])
      expect(later).toMatchObject({ code: 0 })
      expect(later.err).not.toMatch(/pinned/)
      // --token wins over the link's; the shell takes a link too.
      expect((await run(['ls', `${link}&token=wrong`, '--token', 'tok+en'])).code).toBe(0)
      const shell = await run(['client', link, '--token', 'tok+en'], 'mkdir from-link\nquit\n')
      expect(shell).toMatchObject({ code: 0 })
      expect((await stat(path.join(tmp.dir, 'share', 'from-link'))).isDirectory()).toBe(true)

      const other = `ferry://127.0.0.1:${port}?fp=${'ab'.repeat(32)}`
      const refused = await run(['ping', other, '--token', 'tok+en'])
      expect(refused.code).toBe(1)
      expect(refused.err).toMatch(/FINGERPRINT_MISMATCH/)
      expect((await run(['ping', link, '--fingerprint', 'ab'.repeat(32)])).err).toMatch(
        /different certificates/,
      )

      const bad = await run(['ls', `ferry://127.0.0.1:${port}?fp=123`])
      expect(bad.code).toBe(2)
      expect(bad.err).toMatch(/^ferry: INVALID_ARGUMENT: not a valid Ferry link: fp must be 64 hex/)
      expect((await run(['client', link, String(port)])).code).toBe(2)
      expect((await run(['client', '127.0.0.1'])).err).toMatch(/missing port/)
    } finally {
      stop.abort()
      expect(await running).toBe(0)
    }
  })
})
