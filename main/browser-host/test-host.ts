// The test kit of the browser-mode suites: a browser host on temp folders (a static page, its own data folder),
// and pages for it as a browser would open them: the WebSocket for calls, fetch for upload bytes.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { WebSocket } from 'ws'
import type { Api, ApiError, HostStatus, TransferInfo } from '../../preload/api'
import type { BridgeSocket } from '../../renderer/src/lib/browser-bridge'
import { createBrowserBridge } from '../../renderer/src/lib/browser-bridge'
import type { BytesSender } from '../../renderer/src/lib/bridge-uploads'
import { httpSender } from '../../renderer/src/lib/bridge-uploads'
import { UPLOAD_PATH } from './bridge-protocol'
import type { BrowserHost } from './index'
import { startBrowserHost } from './index'
import { STAGING_FOLDER } from './upload-staging'

export interface TestHost {
  host: BrowserHost
  dir: string
  /** The page's origin. */
  origin(): string
  bridgeUrl(token?: string): string
  /** The page's upload sender, as the browser's fetch sends it (Node's fetch adds no Origin by itself). */
  sender(): BytesSender
  bridge(send?: BytesSender): ReturnType<typeof createBrowserBridge>
  /**
   * A page whose upload requests are counted and whose bodies stop after `after` bytes (for good), so a test
   * can hold an upload in the middle of its sending, exactly there.
   */
  gatedBridge(after: number): { api: ReturnType<typeof createBrowserBridge>; meter: { requests: number } }
  /** Hosts the share (data/share) and connects the page to it. */
  hostAndConnect(api: Api): Promise<void>
  staging(): string
  share(): string
  transferInfo(id: string): TransferInfo | undefined
  close(): Promise<void>
}

export async function startTestHost(): Promise<TestHost> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-bh-'))
  await mkdir(join(dir, 'static/assets'), { recursive: true })
  await writeFile(join(dir, 'static/index.html'), '<!doctype html><title>Ferry</title>')
  await writeFile(join(dir, 'static/assets/app.js'), 'console.log(1)')
  const kit: TestHost = {
    host: await startBrowserHost({ staticDir: join(dir, 'static'), dataDir: join(dir, 'data') }),
    dir,
    origin: () => `http://127.0.0.1:${kit.host.port}`,
    bridgeUrl: (token = kit.host.token) => `ws://127.0.0.1:${kit.host.port}/bridge?token=${token}`,
    sender: () => httpSender(kit.origin(), kit.host.token, { origin: kit.origin() }),
    bridge: (send = kit.sender()) =>
      createBrowserBridge(
        () => new WebSocket(kit.bridgeUrl(), { origin: kit.origin() }) as unknown as BridgeSocket,
        send,
      ),
    gatedBridge(after) {
      const meter = { requests: 0 }
      const send: BytesSender = async (stream, offset, body) => {
        meter.requests++
        const bytes = new Uint8Array(body instanceof Blob ? await body.arrayBuffer() : body)
        const held = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(bytes.subarray(0, after))
          },
        })
        try {
          const response = await fetch(`${kit.origin()}${UPLOAD_PATH}${stream}?offset=${offset}`, {
            method: 'POST',
            body: held,
            duplex: 'half',
            headers: { origin: kit.origin(), authorization: `Bearer ${kit.host.token}` },
          } as RequestInit)
          return response.ok ? null : ((await response.json()) as ApiError)
        } catch {
          return { code: 'CONNECTION_CLOSED', message: 'the upload request was cut off' }
        }
      }
      return { api: kit.bridge(send), meter }
    },
    async hostAndConnect(api) {
      const status = await api.startHost({ port: 0, root: kit.share(), bindAll: false })
      const port = (status as { value: HostStatus }).value.port ?? 0
      expect(await api.connect({ host: '127.0.0.1', port })).toMatchObject({ ok: true })
    },
    staging: () => join(dir, 'data', STAGING_FOLDER),
    share: () => join(dir, 'data', 'share'),
    transferInfo: (id) => kit.host.service.transfers.list().find((t) => t.id === id),
    async close() {
      await kit.host.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
  return kit
}
