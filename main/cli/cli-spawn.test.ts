// The real `ferry` binary end to end: `serve` as a child process, then `client` driven through piped stdin.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeTempDir } from './test-support'

const BIN = fileURLToPath(new URL('../../bin/ferry.mjs', import.meta.url))

let tmp: { dir: string; cleanup: () => Promise<void> }
beforeEach(async () => {
  tmp = await makeTempDir('spawn')
})
afterEach(async () => {
  await tmp.cleanup()
})

function collect(stream: NodeJS.ReadableStream): {
  text: () => string
  waitFor: (re: RegExp) => Promise<RegExpMatchArray>
} {
  let text = ''
  stream.setEncoding('utf8')
  stream.on('data', (chunk: string) => (text += chunk))
  return {
    text: () => text,
    waitFor: (re) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const m = text.match(re)
          if (m) {
            stream.off('data', check)
            stream.off('end', ended)
            resolve(m)
          }
        }
        const ended = (): void => reject(new Error(`stream ended without ${re}; got: ${text}`))
        stream.on('data', check)
        stream.once('end', ended)
        check()
      }),
  }
}

describe('bin/ferry.mjs', () => {
  it('serve + client with piped stdin moves the bytes both ways', async () => {
    const share = path.join(tmp.dir, 'share')
    const local = path.join(tmp.dir, 'local')
    await mkdir(path.join(local, 'src'), { recursive: true })
    const data = randomBytes(200_000)
    await writeFile(path.join(local, 'src', 'data.bin'), data)

    const server = spawn(process.execPath, [BIN, 'serve', '0', '--root', share], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const serverOut = collect(server.stdout)
    const serverErr = collect(server.stderr)
    const serverExit = once(server, 'exit')
    try {
      const [, port] = await serverOut.waitFor(/listening on 127\.0\.0\.1:(\d+)\n/)

      const client = spawn(process.execPath, [BIN, 'client', '127.0.0.1', port ?? ''], {
        cwd: local,
        stdio: ['pipe', 'pipe', 'pipe'],
      })
      const clientOut = collect(client.stdout)
      const clientErr = collect(client.stderr)
      const clientExit = once(client, 'exit')
      client.stdin.end('client_post src/data.bin\nls\nclient_get data.bin\nquit\n')
      const [code] = (await clientExit) as [number]

      expect(clientErr.text()).not.toMatch(/ferry: [A-Z_]+:/)
      expect(code).toBe(0)
      expect(clientOut.text()).toMatch(/^connected to ".+" at 127\.0\.0\.1:\d+, idle timeout 5 min\n/)
      expect(clientOut.text()).toMatch(/uploaded .*data\.bin -> \/data\.bin: 200 kB/)
      expect(clientOut.text()).toMatch(/\ndata\.bin\n/)
      expect(clientOut.text()).toMatch(/downloaded \/data\.bin -> .*data\.bin: 200 kB/)
      expect((await readFile(path.join(share, 'data.bin'))).equals(data)).toBe(true)
      expect((await readFile(path.join(local, 'data.bin'))).equals(data)).toBe(true)

      // The server logged the session and both transfers.
      await serverOut.waitFor(/left/)
      expect(serverOut.text()).toMatch(/\+ 127\.0\.0\.1:\d+ connected .*idle timeout 5 min/)
      expect(serverOut.text()).toMatch(/upload \/data\.bin done, 200 kB/)
      expect(serverOut.text()).toMatch(/download \/data\.bin done, 200 kB/)
    } finally {
      server.kill('SIGTERM')
    }
    const [serverCode] = (await serverExit) as [number | null]
    expect(serverErr.text()).toBe('')
    expect(serverCode).toBe(0)
    expect(serverOut.text()).toMatch(/SIGTERM: closing .*\n.*closed\n$/)
  })
})
