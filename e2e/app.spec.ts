// The whole app in browser mode against the real back end: host a temp share, connect to it, upload by drop
// and folder picker, download and compare bytes, rename, delete, cancel a big transfer, and run a perf test.
import { randomBytes } from 'node:crypto'
import { mkdir, open, readFile, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, hostAndConnect, row, snapshot, test } from './fixtures'

// The Node tsconfig has no DOM lib; this is the one page global the in-page drop below touches.
declare const document: { body: { dispatchEvent(event: Event): boolean } }

test('host a share, connect, upload by drop and picker, download, rename, delete', async ({
  page,
  ferry,
  pageErrors,
}, testInfo) => {
  void pageErrors
  await hostAndConnect(page, ferry)
  await expect(page.getByTestId('file-empty')).toBeVisible()

  // Files dropped on the window.
  const hello = Buffer.from('hello from the e2e test\n')
  const data = randomBytes(300 * 1024)
  await page.getByTestId('file-list').drop({
    files: [
      { name: 'hello.txt', mimeType: 'text/plain', buffer: hello },
      { name: 'data.bin', mimeType: 'application/octet-stream', buffer: data },
    ],
  })
  await expect(row(page, 'hello.txt')).toBeVisible()
  await expect(row(page, 'data.bin')).toBeVisible()

  // A click anywhere in a header cell sorts, not only on its label: here near the cell's right edge.
  for (const key of ['size', 'name']) {
    const header = page.getByTestId(`sort-${key}`)
    const box = await header.boundingBox()
    if (!box) throw new Error(`no box for the ${key} header`)
    await header.click({ position: { x: box.width - 3, y: box.height - 3 } })
    await expect(header).toHaveAttribute('aria-sort', 'ascending')
  }

  // A folder dropped on the window: Playwright cannot drop directories, so the drop carries a FileSystemEntry
  // tree built in the page, as Chromium hands one over for an OS folder drop.
  await page.evaluate(() => {
    const file = (name: string, text: string) => {
      const f = new File([text], name)
      return { isFile: true, isDirectory: false, name, file: (ok: (x: File) => void) => ok(f) }
    }
    const dir = (name: string, children: unknown[]) => ({
      isFile: false,
      isDirectory: true,
      name,
      createReader: () => {
        let done = false
        return {
          readEntries: (ok: (e: unknown[]) => void) => {
            ok(done ? [] : children)
            done = true
          },
        }
      },
    })
    const tree = dir('album', [
      file('cover.txt', 'cover art'),
      dir('disc1', [file('track1.txt', 'la la la')]),
    ])
    const dataTransfer = {
      types: ['Files'],
      files: [],
      items: [{ kind: 'file', getAsFile: () => null, webkitGetAsEntry: () => tree }],
    }
    const drop = new Event('drop', { bubbles: true, cancelable: true })
    Object.defineProperty(drop, 'dataTransfer', { value: dataTransfer })
    document.body.dispatchEvent(drop)
  })
  await expect(row(page, 'album')).toBeVisible()

  // A real folder from disk through the folder picker (webkitdirectory).
  const picked = join(ferry.scratchDir, 'notes')
  await mkdir(join(picked, 'sub'), { recursive: true })
  await writeFile(join(picked, 'a.md'), '# a\n')
  await writeFile(join(picked, 'sub', 'b.md'), '# b\n')
  await page.getByTestId('upload-folder-input').setInputFiles(picked)
  await expect(row(page, 'notes')).toBeVisible()
  // Two files, and each folder as one job of its files.
  await expect(page.getByTestId('transfers-summary')).toHaveText('0 active, 4 finished')
  await expect(page.locator('[data-testid="transfer"][data-state="done"]')).toHaveCount(4)
  await expect(page.locator('[data-testid="transfer"][data-name="album"]')).toHaveAttribute(
    'data-kind',
    'folder',
  )
  await expect(
    page.locator('[data-testid="transfer"][data-name="notes"]').getByTestId('transfer-files'),
  ).toHaveText('2 / 2 files')

  // What arrived on the host's disk is byte for byte what was dropped.
  expect(await readFile(join(ferry.shareDir, 'hello.txt'))).toEqual(hello)
  expect(await readFile(join(ferry.shareDir, 'data.bin'))).toEqual(data)
  expect(await readFile(join(ferry.shareDir, 'album', 'disc1', 'track1.txt'), 'utf8')).toBe('la la la')
  expect(await readFile(join(ferry.shareDir, 'notes', 'sub', 'b.md'), 'utf8')).toBe('# b\n')
  await snapshot(page, testInfo, 'browse-view')

  // Open a folder and come back by the breadcrumbs.
  await row(page, 'album').dblclick()
  await expect(row(page, 'album/disc1')).toBeVisible()
  await page.getByTestId('breadcrumbs').getByRole('button', { name: 'Share' }).click()
  await expect(row(page, 'data.bin')).toBeVisible()

  // Download a file and a folder into the download folder and compare bytes.
  await row(page, 'data.bin').click()
  await row(page, 'album').click({ modifiers: ['Control'] })
  await expect(page.getByTestId('browse-status')).toContainText('2 selected')
  await page.getByTestId('download-dir').fill(ferry.downloadDir)
  await page.getByTestId('download-selected').click()
  await expect(page.locator('[data-testid="transfer"][data-state="done"]')).toHaveCount(6)
  expect(await readFile(join(ferry.downloadDir, 'data.bin'))).toEqual(data)
  expect(await readFile(join(ferry.downloadDir, 'album', 'disc1', 'track1.txt'), 'utf8')).toBe('la la la')
  expect(await readFile(join(ferry.downloadDir, 'album', 'cover.txt'), 'utf8')).toBe('cover art')

  // Rename.
  await row(page, 'hello.txt').click()
  await page.getByTestId('rename').click()
  await page.getByTestId('name-input').fill('greeting.txt')
  await page.getByTestId('name-input').press('Enter')
  await expect(row(page, 'greeting.txt')).toBeVisible()
  await expect(row(page, 'hello.txt')).toHaveCount(0)
  expect(await readFile(join(ferry.shareDir, 'greeting.txt'))).toEqual(hello)

  // New folder.
  await page.getByTestId('new-folder').click()
  await page.getByTestId('name-input').fill('empty folder')
  await page.getByTestId('dialog-confirm').click()
  await expect(row(page, 'empty folder')).toBeVisible()
  expect((await stat(join(ferry.shareDir, 'empty folder'))).isDirectory()).toBe(true)

  // Delete, with confirmation.
  await row(page, 'album').click()
  await page.getByTestId('delete').click()
  const dialog = page.getByTestId('delete-dialog')
  await expect(dialog).toContainText('Delete "album"?')
  await snapshot(page, testInfo, 'delete-dialog')
  await dialog.getByTestId('dialog-confirm').click()
  await expect(row(page, 'album')).toHaveCount(0)
  // The server keeps its own bookkeeping under the reserved .ferry name; everything else is what the user sees.
  const left = (await readdir(ferry.shareDir)).filter((n) => !n.startsWith('.ferry')).sort()
  expect(left).toEqual(['data.bin', 'empty folder', 'greeting.txt', 'notes'])

  // The host view shows this window as a connected client with its idle timeout, and the transfer activity.
  await page.getByTestId('nav-host').click()
  await expect(page.getByTestId('host-client')).toHaveCount(1)
  await expect(page.getByTestId('host-client')).toContainText(/\d+ s/)
  await expect(page.getByTestId('host-activity-item').first()).toBeVisible()
  await snapshot(page, testInfo, 'host-view')

  await page.getByTestId('nav-connect').click()
  await expect(page.getByTestId('connection-timeout')).toContainText(
    /idle timeout \d+ s, assigned by the server/,
  )
  await expect(page.getByTestId('recent-server')).toHaveCount(1)
  await snapshot(page, testInfo, 'connect-view')
})

test('cancel a big download and see it reported as cancelled', async ({
  page,
  ferry,
  pageErrors,
}, testInfo) => {
  void pageErrors
  // A sparse 4 GiB file: no disk cost on the share side, and far too big to finish before Cancel is clicked.
  const big = await open(join(ferry.shareDir, 'big.bin'), 'w')
  await big.truncate(4 * 1024 * 1024 * 1024)
  await big.close()
  await hostAndConnect(page, ferry)
  await row(page, 'big.bin').click()
  await page.getByTestId('download-dir').fill(ferry.downloadDir)
  await page.getByTestId('download-selected').click()
  const transfer = page.locator('[data-testid="transfer"][data-name="big.bin"]')
  await expect(transfer).toHaveAttribute('data-state', 'running')
  await transfer.getByTestId('transfer-cancel').click()
  await expect(transfer).toHaveAttribute('data-state', 'cancelled')
  await expect(transfer.getByTestId('transfer-state')).toHaveText('Cancelled')
  await expect(transfer.getByTestId('transfer-retry')).toBeVisible()
  await snapshot(page, testInfo, 'transfers-cancelled')
  // Nothing unverified appears under the final name.
  expect(await readdir(ferry.downloadDir)).not.toContain('big.bin')
})

test('run a small perf test and see the chart and the table', async ({
  page,
  ferry,
  pageErrors,
}, testInfo) => {
  void pageErrors
  await page.goto(ferry.host.url)
  await page.getByTestId('nav-perf').click()
  await page.getByTestId('perf-clients-8').uncheck()
  for (const n of [1, 2, 4]) await expect(page.getByTestId(`perf-clients-${n}`)).toBeChecked()
  await page.getByTestId('perf-size').selectOption({ label: '1 KiB' })
  await page.getByTestId('perf-requests').fill('12')
  await page.getByTestId('perf-target-local').check()
  await page.getByTestId('perf-run').click()
  await expect(page.getByTestId('perf-status')).toHaveAttribute('data-state', 'done', { timeout: 60_000 })
  await expect(page.getByTestId('perf-row')).toHaveCount(3)
  await expect(page.getByTestId('perf-row').first().getByRole('rowheader')).toHaveText('1')
  await expect(page.getByTestId('perf-chart')).toHaveAttribute('data-points', '3')
  await expect(page.getByTestId('perf-chart').locator('canvas')).toBeVisible()
  await snapshot(page, testInfo, 'perf-view')
  await page.emulateMedia({ colorScheme: 'dark' })
  await snapshot(page, testInfo, 'perf-view-dark')

  const csvDownload = page.waitForEvent('download')
  await page.getByTestId('perf-export-csv').click()
  const csv = await readFile((await (await csvDownload).path())!, 'utf8')
  expect(csv.split('\n')[0]).toMatch(/^clients,requests,errors/)
  expect(csv.trim().split('\n')).toHaveLength(4)

  const svgDownload = page.waitForEvent('download')
  await page.getByTestId('perf-export-svg').click()
  const svg = await readFile((await (await svgDownload).path())!, 'utf8')
  expect(svg.startsWith('<svg')).toBe(true)

  const pngDownload = page.waitForEvent('download')
  await page.getByTestId('perf-export-png').click()
  const png = await readFile((await (await pngDownload).path())!)
  expect(png.subarray(1, 4).toString()).toBe('PNG')
})
