// Accessibility: axe-core (WCAG 2.1 A and AA rules) over every view of the real app, in light and dark, with a
// share that has files and folders, a connection, finished transfers and a perf chart on screen.
import { writeFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { axeViolations as violations, expect, hostAndConnect, row, test } from './fixtures'

test('every view passes axe WCAG 2.1 AA checks in light and dark', async ({ page, ferry, pageErrors }) => {
  void pageErrors
  await mkdir(join(ferry.shareDir, 'photos'))
  await writeFile(join(ferry.shareDir, 'notes.txt'), 'some notes\n')
  await hostAndConnect(page, ferry)
  await page.getByTestId('file-list').drop({
    files: [{ name: 'dropped.txt', mimeType: 'text/plain', buffer: Buffer.from('dropped\n') }],
  })
  await expect(page.locator('[data-testid="transfer"][data-name="dropped.txt"]')).toHaveAttribute(
    'data-state',
    'done',
  )
  await page.getByTestId('nav-perf').click()
  for (const n of [8, 16, 32, 64, 128, 256]) await page.getByTestId(`perf-clients-${n}`).uncheck()
  await page.getByTestId('perf-requests').fill('12')
  await page.getByTestId('perf-target-local').check()
  await page.getByTestId('perf-run').click()
  await expect(page.getByTestId('perf-status')).toHaveAttribute('data-state', 'done', { timeout: 60_000 })

  const found: string[] = []
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    for (const view of ['host', 'connect', 'browse', 'perf']) {
      await page.getByTestId(`nav-${view}`).click()
      await expect(page.getByTestId(`nav-${view}`)).toHaveAttribute('aria-current', 'page')
      for (const v of await violations(page)) found.push(`${scheme} ${view}: ${v}`)
    }
  }
  // Dialogs: the delete confirmation and the new-folder name prompt, with a selection in the list.
  await page.getByTestId('nav-browse').click()
  await row(page, 'notes.txt').click()
  await page.getByTestId('delete').click()
  await expect(page.getByTestId('delete-dialog')).toBeVisible()
  for (const v of await violations(page)) found.push(`dark delete dialog: ${v}`)
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('delete-dialog')).toHaveCount(0)
  await page.getByTestId('new-folder').click()
  await expect(page.getByTestId('name-input')).toBeFocused()
  for (const v of await violations(page)) found.push(`dark name dialog: ${v}`)
  expect(found).toEqual([])
})
