import { randomBytes } from 'node:crypto'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type { AppInfo, HostStatus, TransferInfo } from '../../preload/api'
import type { BrowserHost } from './index'
import { startBrowserHost } from './index'
import { STAGING_FOLDER } from './upload-staging'
import { journalEntries, transferJournalFile } from '../ipc/transfer-journal'
import type { TestHost } from './test-host'
import { startTestHost } from './test-host'

let kit: TestHost
let dir: string
let host: BrowserHost
beforeEach(async () => {
  kit = await startTestHost()
  ;({ dir, host } = kit)
  await writeFile(join(dir, 'secret.txt'), 'outside')
})
afterEach(async () => {
  // A test may have restarted the host: close the one it left.
  kit.host = host
  await kit.close()
})

function get(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path, headers }, (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      })
      req.on('error', reject)
      req.end()
    },
  )
}

/** Opens a raw socket and resolves with the HTTP status of a refusal, or 101 when it opened. */
function upgradeStatus(url: string, origin?: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, origin ? { origin } : {})
    ws.on('open', () => {
      ws.close()
      resolve(101)
    })
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      res.resume()
    })
    ws.on('error', () => undefined)
  })
}

const origin = () => kit.origin()
const bridgeUrl = (token = host.token) => kit.bridgeUrl(token)
const bridge = () => kit.bridge()

describe('static files', () => {
  it('serves the renderer with the CSP and nothing outside it', async () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=${host.token}`)
    const page = await get('/')
    expect(page.status).toBe(200)
    expect(page.body).toContain('<title>Ferry</title>')
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'.*script-src 'self';/)
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    expect((await get('/assets/app.js')).headers['content-type']).toMatch(/^text\/javascript/)
    expect((await get('/../secret.txt')).status).toBe(404)
    expect((await get('/%2e%2e/secret.txt')).status).toBe(404)
    expect((await get('/assets/..%2f..%2fsecret.txt')).status).toBe(404)
    expect((await get('/', { Host: 'evil.example:80' })).status).toBe(421)
  })
})

describe('bridge socket', () => {
  it('requires the session token and the page origin', async () => {
    expect(await upgradeStatus(`ws://127.0.0.1:${host.port}/bridge`, origin())).toBe(401)
    expect(await upgradeStatus(bridgeUrl('x'.repeat(host.token.length)), origin())).toBe(401)
    expect(await upgradeStatus(bridgeUrl(), 'http://evil.example')).toBe(403)
    expect(await upgradeStatus(bridgeUrl())).toBe(403)
    expect(await upgradeStatus(`ws://127.0.0.1:${host.port}/other?token=${host.token}`, origin())).toBe(404)
    expect(await upgradeStatus(bridgeUrl(), origin())).toBe(101)
  })

  it('answers calls with IpcResults, refuses unknown methods and raw path uploads', async () => {
    const api = bridge()
    try {
      const info = await api.getAppInfo()
      expect(info).toEqual({
        ok: true,
        value: expect.objectContaining({
          mode: 'browser',
          defaultDownloadDir: join(dir, 'data', 'downloads'),
          defaultShareDir: join(dir, 'data', 'share'),
        }) as AppInfo,
      })
      expect(await api.chooseFolder('share')).toEqual({ ok: true, value: null })
      expect(await api.listRemote('../x')).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })
    } finally {
      api.close()
    }

    const raw = new WebSocket(bridgeUrl(), { origin: origin() })
    await new Promise((resolve) => raw.once('open', resolve))
    const replies: unknown[] = []
    const twoReplies = new Promise<void>((resolve) =>
      raw.on('message', (data) => {
        replies.push(JSON.parse(String(data)))
        if (replies.length === 2) resolve()
      }),
    )
    raw.send(
      JSON.stringify({
        id: 1,
        method: 'uploadFiles',
        args: [[{ localPath: '/etc/passwd', relativePath: 'p' }], ''],
      }),
    )
    raw.send(JSON.stringify({ id: 2, method: 'constructor', args: [] }))
    await twoReplies
    expect(replies).toEqual([
      {
        id: 1,
        result: { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'unknown method uploadFiles' } },
      },
      {
        id: 2,
        result: { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'unknown method constructor' } },
      },
    ])
    const closed = new Promise<number>((resolve) => raw.once('close', (code) => resolve(code)))
    raw.send('not json')
    expect(await closed).toBe(1008)
  })

  it('streams an upload through the bridge into the transfer queue, and pushes events', async () => {
    const api = bridge()
    try {
      const share = join(dir, 'data', 'share')
      const status = await api.startHost({ port: 0, root: share, bindAll: false })
      expect(status.ok).toBe(true)
      const port = (status as { value: HostStatus }).value.port ?? 0
      const states: string[] = []
      api.onConnectionEvent((e) => states.push(e.state))
      expect(await api.connect({ host: '127.0.0.1', port })).toMatchObject({ ok: true })
      expect(states).toEqual(['connecting', 'connected'])

      const bytes = randomBytes(3 * 1024 * 1024 + 17)
      const finals = new Map<string, TransferInfo>()
      const allDone = new Promise<void>((resolve) =>
        api.onTransferEvent(({ transfer }) => {
          if (transfer.state === 'done' || transfer.state === 'failed') finals.set(transfer.id, transfer)
          if (finals.size === 2) resolve()
        }),
      )
      const result = await api.uploadFiles(
        [
          { file: new File([bytes], 'big.bin'), relativePath: 'dropped/big.bin' },
          { file: new File([], 'empty.txt'), relativePath: 'empty.txt' },
        ],
        'up',
      )
      expect(result.ok).toBe(true)
      await allDone
      expect([...finals.values()].map((t) => t.state)).toEqual(['done', 'done'])
      expect((await readFile(join(share, 'up/dropped/big.bin'))).equals(bytes)).toBe(true)
      expect(await readFile(join(share, 'up/empty.txt'), 'utf8')).toBe('')
      // The staged copies are gone once uploaded.
      expect(await readdir(join(dir, 'data', STAGING_FOLDER))).toEqual([])
    } finally {
      api.close()
    }
  })
})

describe('pairing over the bridge', () => {
  it('hands the page the launch link once, then pushes later links as events', async () => {
    const hex = 'ab'.repeat(32)
    const fingerprint = 'AB:'.repeat(31) + 'AB'
    host.service.pairing.receive(`ferry://nas.local:7420?fp=${hex}`)
    const api = bridge()
    try {
      const events: unknown[] = []
      const pushed = new Promise<void>((resolve) => {
        api.onPairingLink((event) => {
          events.push(event)
          resolve()
        })
      })
      expect(await api.takePairingLink()).toEqual({
        ok: true,
        value: { host: 'nas.local', port: 7420, tls: true, fingerprint },
      })
      host.service.pairing.receive(`ferry://10.0.0.2:9?fp=${hex}`)
      await pushed
      expect(events).toEqual([{ type: 'link', link: { host: '10.0.0.2', port: 9, tls: true, fingerprint } }])
      expect(await api.listTrustedServers()).toEqual({ ok: true, value: [] })
      expect(await api.parsePairingLink('ferry://x')).toMatchObject({
        ok: false,
        error: { code: 'INVALID_ARGUMENT' },
      })
    } finally {
      api.close()
    }
  })
})

describe('staged uploads across a restart', () => {
  it('keeps the staged copies of interrupted uploads, drops leftovers, and deletes them on Clear finished', async () => {
    await host.close()
    const data = join(dir, 'data')
    const staging = join(data, STAGING_FOLDER)
    const kept = join(staging, 'kept.upload')
    await writeFile(kept, randomBytes(1000))
    await writeFile(join(staging, 'leftover.upload'), 'x')
    const info: TransferInfo = {
      id: 'interrupted-1',
      direction: 'upload',
      name: 'a.bin',
      remotePath: 'up/a.bin',
      localPath: kept,
      state: 'running',
      bytes: 400,
      total: 1000,
      rate: 0,
      startedAt: 1,
      finishedAt: null,
      error: null,
    }
    const entries = journalEntries([
      {
        direction: 'upload',
        target: { host: '127.0.0.1', port: 1 },
        localPath: kept,
        remotePath: 'up/a.bin',
        removeLocalWhenDone: true,
        interrupted: false,
        info,
      },
    ])
    await writeFile(transferJournalFile(data), JSON.stringify({ version: 1, transfers: entries }))

    const start = () => startBrowserHost({ staticDir: join(dir, 'static'), dataDir: data })
    host = await start()
    expect(await readdir(staging)).toEqual(['kept.upload'])
    expect(await host.service.handlers.listTransfers()).toMatchObject({
      ok: true,
      value: [{ id: 'interrupted-1', state: 'failed', interrupted: true, localPath: kept }],
    })
    await host.close()
    expect(await readdir(staging)).toEqual(['kept.upload'])

    host = await start()
    expect(await host.service.handlers.clearFinishedTransfers()).toEqual({ ok: true, value: 1 })
    expect(await readdir(staging)).toEqual([])
  })
})
