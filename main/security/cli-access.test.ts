// The command line's --token / --tls / --fingerprint end to end: `ferry serve` with TLS and a token, clients
// pinning on first use, a wrong fingerprint refused, and the token taken from $FERRY_TOKEN.
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
