// Hosting and connecting with an access token over TLS in browser mode against the real back end: the host's
// fingerprint and QR code, the client's matching fingerprint, a wrong token, and a host whose certificate changed
// (its identity file removed) refused with both fingerprints until the user trusts the new one.
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, row, snapshot, test } from './fixtures'

test('host with TLS and a token, connect with them, and handle a changed certificate', async ({
  page,
  ferry,
  pageErrors,
}, testInfo) => {
  void pageErrors
  await page.goto(ferry.host.url)
  await page.getByTestId('nav-host').click()
  await page.getByTestId('host-port').fill('0')
  await page.getByTestId('host-root').fill(ferry.shareDir)
  await expect(page.getByTestId('host-tls')).toBeChecked()
  await page.getByTestId('host-require-token').check()
  const token = await page.getByTestId('host-token').inputValue()
  expect(token).toMatch(/^[2-9a-z]{5}(-[2-9a-z]{5}){3}$/)
  await page.getByTestId('host-toggle').click()
  await expect(page.getByTestId('host-toggle')).toHaveAttribute('aria-checked', 'true')
  await expect(page.getByTestId('host-security-summary')).toHaveText(
    'Encrypted with TLS · access token required · read-write',
  )
  const hostFingerprint = (await page.getByTestId('host-fingerprint').textContent()) ?? ''
  expect(hostFingerprint).toMatch(/^([0-9A-F]{4} ){3}[0-9A-F]{4}(\n([0-9A-F]{4} ){3}[0-9A-F]{4}){3}$/)
  const address = await page.getByTestId('host-address').first().inputValue()
  const port = Number(address.slice(address.lastIndexOf(':') + 1))
  const link = `ferry://127.0.0.1:${port}?fp=${hostFingerprint.replace(/\s/g, '').toLowerCase()}`
  await expect(page.getByTestId('host-pairing-link')).toHaveText(link)
  await expect(page.getByTestId('host-qr')).toBeVisible()
  await expect(page.getByTestId('host-qr').locator('path')).toHaveAttribute('d', /^(M\d+ \d+h1v1h-1z)+$/)
  await snapshot(page, testInfo, 'host-tls-token')

  // A wrong token is refused; the right one connects over TLS with the host's fingerprint.
  await page.getByTestId('nav-connect').click()
  await page.getByTestId('connect-host').fill('127.0.0.1')
  await page.getByTestId('connect-port').fill(String(port))
  await expect(page.getByTestId('connect-tls')).toBeChecked()
  await page.getByTestId('connect-token').fill('wrong-token')
  await page.getByTestId('connect-submit').click()
  await expect(page.getByTestId('connection-state')).toContainText('AUTH_FAILED')
  await page.getByTestId('connect-token').fill(token)
  await page.getByTestId('connect-submit').click()
  await expect(page.getByTestId('browse-view')).toBeVisible()
  await expect(page.getByTestId('header-status')).toContainText(`Connected to 127.0.0.1:${port}`)
  await page.getByTestId('file-list').drop({
    files: [{ name: 'secret.txt', mimeType: 'text/plain', buffer: Buffer.from('over TLS\n') }],
  })
  await expect(row(page, 'secret.txt')).toBeVisible()
  await page.getByTestId('nav-connect').click()
  await expect(page.getByTestId('connection-security')).toContainText(
    `Encrypted, fingerprint ${hostFingerprint.slice(0, 2)}:${hostFingerprint.slice(2, 4)}`,
  )
  await expect(page.getByTestId('connection-fingerprint')).toHaveText(hostFingerprint)
  await page.getByTestId('disconnect').click()

  // The host gets a new identity (as after a reinstall) on the same port: the pinned fingerprint no longer matches.
  await page.getByTestId('nav-host').click()
  await page.getByTestId('host-toggle').click()
  await expect(page.getByTestId('host-toggle')).toHaveAttribute('aria-checked', 'false')
  await rm(join(ferry.host.service.access.dataDir, 'ferry-tls-identity.pem'))
  await page.getByTestId('host-port').fill(String(port))
  await page.getByTestId('host-toggle').click()
  await expect(page.getByTestId('host-toggle')).toHaveAttribute('aria-checked', 'true')
  const newFingerprint = (await page.getByTestId('host-fingerprint').textContent()) ?? ''
  expect(newFingerprint).not.toBe(hostFingerprint)

  await page.getByTestId('nav-connect').click()
  await page.getByTestId('connect-submit').click()
  const dialog = page.getByTestId('fingerprint-mismatch')
  await expect(dialog).toBeVisible()
  await expect(dialog.getByTestId('mismatch-expected')).toHaveText(hostFingerprint)
  await expect(dialog.getByTestId('mismatch-presented')).toHaveText(newFingerprint)
  await snapshot(page, testInfo, 'fingerprint-mismatch')
  await dialog.getByTestId('mismatch-trust').click()
  await expect(page.getByTestId('browse-view')).toBeVisible()
  await expect(row(page, 'secret.txt')).toBeVisible()
  await page.getByTestId('nav-connect').click()
  await expect(page.getByTestId('connection-fingerprint')).toHaveText(newFingerprint)
})
