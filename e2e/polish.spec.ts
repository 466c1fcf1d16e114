// Issue 11's wording and placement of errors, against the real back end in browser mode: a bad port is said next
// to the field (no toast, no stale status), a refused rename is said inside its dialog, a finished download says
// how long it took, and the LAN announcement switch appears with network access. Screenshots go to /tmp.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, hostAndConnect, openHostForm, row, test } from './fixtures'

const shot = (page: Page, name: string) =>
  page.screenshot({ path: `/tmp/polish-${name}.png`, fullPage: true })

test('connect errors are inline and say what to do', async ({ page, ferry, pageErrors }) => {
  void pageErrors
  await page.goto(ferry.host.url)
  await page.getByTestId('nav-connect').click()
  // Nothing listens on port 1: a refused connection, worded with what to check.
  await page.getByTestId('connect-host').fill('127.0.0.1')
  await page.getByTestId('connect-port').fill('1')
  await page.getByTestId('connect-submit').click()
  const state = page.getByTestId('connection-state')
  await expect(state).toContainText('check that the server is running and that the host and port are right')
  await expect(state).not.toContainText('(CONNECTION_FAILED)')
  await expect(state).toHaveAttribute('title', 'Error code: CONNECTION_FAILED')
  await shot(page, 'connect-refused')
  // An impossible port: said next to the field; the old error leaves the status box; no toast.
  await page.getByTestId('connect-port').fill('99999')
  await page.getByTestId('connect-submit').click()
  await expect(page.getByTestId('connect-port-error')).toHaveText('Port must be a number from 1 to 65535.')
  await expect(state).toHaveText('Not connected')
  await expect(page.getByTestId('notice-error')).toHaveCount(0)
  await shot(page, 'connect-bad-port')
})

test('a refused rename is shown in its dialog; a finished download says how long it took', async ({
  page,
  ferry,
  pageErrors,
}) => {
  void pageErrors
  await writeFile(join(ferry.shareDir, 'a.txt'), 'a')
  await writeFile(join(ferry.shareDir, 'b.txt'), 'b')
  await hostAndConnect(page, ferry)
  await row(page, 'a.txt').click()
  await page.getByTestId('rename').click()
  const dialog = page.getByTestId('rename-dialog')
  await dialog.getByTestId('name-input').fill('b.txt')
  await dialog.getByTestId('dialog-confirm').click()
  await expect(dialog.getByTestId('dialog-error')).toContainText('choose another name')
  await expect(page.getByTestId('notice-error')).toHaveCount(0)
  await shot(page, 'rename-exists')
  await dialog.getByTestId('dialog-cancel').click()

  await page.getByTestId('download-dir').fill(ferry.downloadDir)
  await row(page, 'b.txt').dblclick()
  await expect(page.getByTestId('transfer-summary')).toContainText(/^in .* average$/)
  await shot(page, 'download-finished')
})

test('the host offers the LAN announcement only with network access', async ({ page, ferry, pageErrors }) => {
  void pageErrors
  await openHostForm(page, ferry)
  await expect(page.getByTestId('host-announce')).toHaveCount(0)
  await page.getByTestId('host-bind-all').check()
  await expect(page.getByTestId('host-announce')).toBeChecked()
  await page.getByTestId('host-toggle').click()
  await expect(page.getByTestId('host-announce-status')).toBeVisible()
  await shot(page, 'host-announce')
})
