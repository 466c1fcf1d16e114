// A fresh browser-mode Ferry per test: the real back end on 127.0.0.1, with its own temp share, download and
// data folders, removed afterwards. Also fails a test whose page hit a CSP violation or an uncaught error.
import AxeBuilder from '@axe-core/playwright'
import { test as base, expect, type Page, type TestInfo } from '@playwright/test'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { startBrowserHost, type BrowserHost } from '../main/browser-host'

export interface FerryFixture {
  host: BrowserHost
  /** The folder the UI shares when hosting. */
  shareDir: string
  /** Where the UI downloads to. */
  downloadDir: string
  /** Scratch space for files the test creates. */
  scratchDir: string
  /** The browser host's own state (transfer journal, staged uploads under ferry-staging). */
  dataDir: string
}

export const test = base.extend<{ ferry: FerryFixture; pageErrors: string[] }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring pattern
  ferry: async ({}, use) => {
    const root = await mkdtemp(join(tmpdir(), 'ferry-e2e-'))
    const shareDir = join(root, 'share')
    const downloadDir = join(root, 'downloads')
    const scratchDir = join(root, 'scratch')
    await Promise.all([mkdir(shareDir), mkdir(downloadDir), mkdir(scratchDir)])
    const dataDir = join(root, 'data')
    const host = await startBrowserHost({ staticDir: resolve('out/renderer'), dataDir })
    try {
      await use({ host, shareDir, downloadDir, scratchDir, dataDir })
    } finally {
      await host.close()
      await rm(root, { recursive: true, force: true })
    }
  },
  pageErrors: async ({ page }, use) => {
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`))
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) errors.push(m.text())
    })
    await use(errors)
    expect(errors, 'the page logged no CSP violations or uncaught errors').toEqual([])
  },
})

export { expect }

/** Saves a screenshot of the current view as a test artifact under test-results. */
export async function snapshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`)
  await page.screenshot({ path, fullPage: true })
  await testInfo.attach(name, { path, contentType: 'image/png' })
}

/** Opens the UI on the Host view with shareDir and a free port filled in (hosting not started). */
export async function openHostForm(page: Page, ferry: FerryFixture): Promise<void> {
  await page.goto(ferry.host.url)
  await page.getByTestId('nav-host').click()
  await page.getByTestId('host-port').fill('0')
  await page.getByTestId('host-root').fill(ferry.shareDir)
}

/** Opens the UI, hosts shareDir on a free port, and connects this window to it. Returns the port. */
export async function hostAndConnect(page: Page, ferry: FerryFixture): Promise<number> {
  await openHostForm(page, ferry)
  await page.getByTestId('host-toggle').click()
  await expect(page.getByTestId('host-toggle')).toHaveAttribute('aria-checked', 'true')
  const address = await page.getByTestId('host-address').first().inputValue()
  const port = Number(address.slice(address.lastIndexOf(':') + 1))
  expect(port).toBeGreaterThan(0)

  await page.getByTestId('nav-connect').click()
  await page.getByTestId('connect-host').fill('127.0.0.1')
  await page.getByTestId('connect-port').fill(String(port))
  await page.getByTestId('connect-submit').click()
  await expect(page.getByTestId('browse-view')).toBeVisible()
  await expect(page.getByTestId('header-status')).toContainText(`Connected to 127.0.0.1:${port}`)
  return port
}

/** The listing row of an entry, by its share-relative path. */
export function row(page: Page, path: string) {
  return page.locator(`[data-testid="file-row"][data-path="${path}"]`)
}

/** axe-core's WCAG 2.1 A/AA findings on the page as it is now, one readable line each (empty when clean). */
export async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze()
  return result.violations.map(
    (v) =>
      `${v.id} (${v.impact ?? 'n/a'}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  )
}
