// Dropping files on the page in browser mode: the page sends their bytes to Ferry, and the transfer shows that
// from the first byte ('Sending to Ferry'), can be cancelled while it does (nothing staged or uploaded is left),
// and a dropped folder of thousands of small files is one job that completes while the page stays responsive.
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, hostAndConnect, snapshot, test } from './fixtures'

// The Node tsconfig has no DOM lib; these are the page globals the in-page code below touches.
declare const document: {
  body: { dispatchEvent(event: unknown): boolean }
  querySelector(selector: string): { textContent: string | null } | null
}
declare const window: {
  dropAt?: number
  rowMs?: number
  progressMs?: number
  longTasks?: number[]
  dropped?: unknown
  big?: File
  block?: Uint8Array
}
declare function requestAnimationFrame(callback: () => void): number
declare class DataTransfer {
  items: { add(file: File): unknown }
}
declare class DragEvent extends Event {
  constructor(type: string, init: { dataTransfer: DataTransfer; bubbles: boolean; cancelable: boolean })
}
declare class PerformanceObserver {
  constructor(callback: (list: { getEntries(): Array<{ duration: number }> }) => void)
  observe(options: { type: string; buffered: boolean }): void
}

const MIB = 200
const FILES = 3000

/** Files on disk under dir, at any depth (the server's own .ferry bookkeeping folders hold none once idle). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name))
}

/** Drops the page's big file (window.big) on the window, noting when its row and its first bytes sent show. */
function dropBig(): void {
  const w = window
  const dataTransfer = new DataTransfer()
  if (w.big) dataTransfer.items.add(w.big)
  w.rowMs = undefined
  w.progressMs = undefined
  const row = '[data-testid="transfer"][data-name="big.bin"]'
  const check = () => {
    const now = performance.now() - (w.dropAt ?? 0)
    const bytes = document.querySelector(`${row} [data-testid="transfer-bytes"]`)
    if (bytes && w.rowMs === undefined) w.rowMs = now
    if (bytes && !bytes.textContent?.startsWith('0 B')) w.progressMs = now
    else requestAnimationFrame(check)
  }
  w.dropAt = performance.now()
  requestAnimationFrame(check)
  document.body.dispatchEvent(new DragEvent('drop', { dataTransfer, bubbles: true, cancelable: true }))
}

test('a large dropped file shows progress at once, Cancel while sending leaves nothing, and it uploads whole', async ({
  page,
  ferry,
  pageErrors,
}, testInfo) => {
  void pageErrors
  test.setTimeout(120_000)
  await hostAndConnect(page, ferry)
  // A 200 MiB file made in the page from one random MiB (a Blob of Blobs: the page holds the MiB once).
  await page.evaluate((mib) => {
    const block = new Uint8Array(1024 * 1024)
    for (let at = 0; at < block.length; at += 65536) crypto.getRandomValues(block.subarray(at, at + 65536))
    const part = new Blob([block])
    window.block = block
    window.big = new File(
      Array.from({ length: mib }, () => part),
      'big.bin',
    )
  }, MIB)
  // Unhindered, 200 MiB reach Ferry in about a second here, leaving no time to cancel while sending: the page's
  // uploads are held to 40 MiB/s, as reading from a slow disk would be.
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Network.enable')
  const throttle = (bytesPerSecond: number) =>
    cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: bytesPerSecond,
    })
  await throttle(40 * 1024 * 1024)
  await page.evaluate(dropBig)

  const job = page.locator('[data-testid="transfer"][data-name="big.bin"]')
  await expect(job).toHaveAttribute('data-phase', 'sending')
  await expect(job.getByTestId('transfer-state')).toHaveText('Sending to Ferry')
  const progressMs =
    (await page.waitForFunction(() => window.progressMs).then((h) => h.jsonValue())) ?? Infinity
  const rowMs = (await page.evaluate(() => window.rowMs)) ?? Infinity
  testInfo.annotations.push({
    type: 'first progress',
    description: `row after ${Math.round(rowMs)} ms, bytes sent shown after ${Math.round(progressMs)} ms`,
  })
  expect(progressMs).toBeLessThan(1500)
  await snapshot(page, testInfo, 'drop-sending')

  await job.getByTestId('transfer-cancel').click()
  await expect(job).toHaveAttribute('data-state', 'cancelled')
  // Cancelled while it was still sending: nothing of it reached the server, and there is nothing to retry from.
  await expect(job).toHaveAttribute('data-phase', 'sending')
  await expect(job.getByTestId('transfer-retry')).toHaveCount(0)
  await expect.poll(() => readdir(join(ferry.dataDir, 'ferry-staging'))).toEqual([])
  expect(await filesUnder(ferry.shareDir)).toEqual([])
  await snapshot(page, testInfo, 'drop-cancelled')

  // Dropped again at full speed: it is sent, uploaded and lands byte for byte.
  await throttle(-1)
  await page.evaluate(dropBig)
  const again = page.locator('[data-testid="transfer"][data-name="big.bin"][data-state="done"]')
  await expect(again).toHaveCount(1, { timeout: 90_000 })
  const block = Buffer.from(await page.evaluate(() => Array.from(window.block ?? new Uint8Array())))
  const expected = createHash('sha256')
  for (let i = 0; i < MIB; i++) expected.update(block)
  const landed = createHash('sha256').update(await readFile(join(ferry.shareDir, 'big.bin')))
  expect(landed.digest('hex')).toBe(expected.digest('hex'))
  expect(await readdir(join(ferry.dataDir, 'ferry-staging'))).toEqual([])
})

test('a dropped folder of 3,000 small files is one job that completes, the page staying responsive', async ({
  page,
  ferry,
  pageErrors,
}, testInfo) => {
  void pageErrors
  test.setTimeout(120_000)
  await hostAndConnect(page, ferry)
  // Playwright cannot drop a folder: the drop carries a FileSystemEntry tree of File objects built in the page,
  // read back 100 entries at a time, as Chromium hands one over for a folder dropped from the desktop. Making
  // 3,000 Files is the test's own work: it is done before the page's long tasks are watched.
  await page.evaluate((count) => {
    const file = (name: string, text: string) => {
      const f = new File([text], name)
      return { isFile: true, isDirectory: false, name, file: (ok: (x: File) => void) => ok(f) }
    }
    const dir = (name: string, children: unknown[]) => ({
      isFile: false,
      isDirectory: true,
      name,
      createReader: () => {
        let at = 0
        return {
          readEntries: (ok: (e: unknown[]) => void) => {
            ok(children.slice(at, at + 100))
            at += 100
          },
        }
      },
    })
    const parts = Array.from({ length: count / 500 }, (_, p) =>
      dir(
        `part${p}`,
        Array.from({ length: 500 }, (_, i) => file(`file${p * 500 + i}.txt`, `file ${p * 500 + i}\n`)),
      ),
    )
    window.dropped = dir('bulk', parts)
  }, FILES)
  await page.evaluate(() => {
    window.longTasks = []
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.longTasks?.push(Math.round(entry.duration))
    }).observe({ type: 'longtask', buffered: false })
    const dataTransfer = {
      types: ['Files'],
      files: [],
      items: [{ kind: 'file', getAsFile: () => null, webkitGetAsEntry: () => window.dropped }],
    }
    const drop = new Event('drop', { bubbles: true, cancelable: true })
    Object.defineProperty(drop, 'dataTransfer', { value: dataTransfer })
    document.body.dispatchEvent(drop)
  })

  const job = page.locator('[data-testid="transfer"][data-name="bulk"]')
  await expect(job).toHaveAttribute('data-kind', 'folder')
  await expect(job.getByTestId('transfer-files')).toHaveText(/3,000/)
  await snapshot(page, testInfo, 'drop-folder-running')
  await expect(job).toHaveAttribute('data-state', 'done', { timeout: 100_000 })
  await expect(job.getByTestId('transfer-files')).toHaveText('3,000 / 3,000 files')
  await expect(page.getByTestId('transfer')).toHaveCount(1)
  const longTasks = (await page.evaluate(() => window.longTasks)) ?? []
  testInfo.annotations.push({
    type: 'long tasks',
    description: `${longTasks.length}, longest ${Math.max(0, ...longTasks)} ms`,
  })
  expect(Math.max(0, ...longTasks)).toBeLessThan(1000)
  await snapshot(page, testInfo, 'drop-folder-done')

  expect(await filesUnder(join(ferry.shareDir, 'bulk'))).toHaveLength(FILES)
  expect(await readdir(join(ferry.dataDir, 'ferry-staging'))).toEqual([])
})
