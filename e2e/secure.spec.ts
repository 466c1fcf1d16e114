// Hosting and connecting with an access token over TLS in browser mode against the real back end: the host's
// fingerprint and QR code, the client's matching fingerprint, a wrong token, and a host whose certificate changed
// (its identity file removed) refused with both fingerprints until the user trusts the new one. Then pairing: the
// host's link pasted into Connect, a pinned connection, the server in Trusted servers, and forgetting it; and the
// host form with its token restored after a reload.
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { axeViolations, expect, openHostForm, row, snapshot, test } from './fixtures'

test('host with TLS and a token, connect with them, and handle a changed certificate', async ({
  page,
  ferry,
  pageErrors,
}, testInfo) => {
  void pageErrors
  await openHostForm(page, ferry)
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
  await expect(page.getByTestId('connection-state')).toContainText('wrong token')
  await expect(page.getByTestId('connection-state')).toHaveAttribute('title', 'Error code: AUTH_FAILED')
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
  expect(await axeViolations(page)).toEqual([])
  await dialog.getByTestId('mismatch-trust').click()
  await expect(page.getByTestId('browse-view')).toBeVisible()
  await expect(row(page, 'secret.txt')).toBeVisible()
  await page.getByTestId('nav-connect').click()
  await expect(page.getByTestId('connection-fingerprint')).toHaveText(newFingerprint)
})

test('paste the host link, connect pinned, see the server trusted, forget it; the host form survives a reload', async ({
  page,
  ferry,
  pageErrors,
}, testInfo) => {
  void pageErrors
  await openHostForm(page, ferry)
  await page.getByTestId('host-require-token').check()
  const token = await page.getByTestId('host-token').inputValue()
  await page.getByTestId('host-toggle').click()
  await expect(page.getByTestId('host-toggle')).toHaveAttribute('aria-checked', 'true')
  const link = (await page.getByTestId('host-pairing-link').textContent()) ?? ''
  expect(link).toMatch(/^ferry:\/\/127\.0\.0\.1:\d+\?fp=[0-9a-f]{64}$/)
  const hostFingerprint = (await page.getByTestId('host-fingerprint').textContent()) ?? ''
  const port = Number(/:(\d+)\?/.exec(link)?.[1])

  // Nothing is trusted yet; a bad link is refused with the reason and changes nothing.
  await page.getByTestId('nav-connect').click()
  await expect(page.getByTestId('trusted-servers')).toContainText('None yet')
  await page.getByTestId('pairing-link-input').fill(link.replace(/fp=../, 'fp='))
  await page.getByTestId('pairing-link-use').click()
  await expect(page.getByTestId('notices')).toContainText('64 hex digits')
  await expect(page.getByTestId('connect-pinned')).toHaveCount(0)

  await page.getByTestId('pairing-link-input').fill(link)
  await page.getByTestId('pairing-link-use').click()
  await expect(page.getByTestId('connect-host')).toHaveValue('127.0.0.1')
  await expect(page.getByTestId('connect-port')).toHaveValue(String(port))
  await expect(page.getByTestId('connect-tls')).toBeChecked()
  await expect(page.getByTestId('connect-fingerprint')).toHaveText(hostFingerprint)
  await page.getByTestId('connect-token').fill(token)
  await snapshot(page, testInfo, 'connect-from-link')
  await page.getByTestId('connect-submit').click()
  await expect(page.getByTestId('browse-view')).toBeVisible()
  await expect(page.getByTestId('header-status')).toContainText(`Connected to 127.0.0.1:${port}`)

  await page.getByTestId('nav-connect').click()
  await expect(page.getByTestId('connection-fingerprint')).toHaveText(hostFingerprint)
  const trusted = page.getByTestId('trusted-server')
  await expect(trusted).toHaveCount(1)
  await expect(trusted).toContainText(`127.0.0.1:${port}`)
  await expect(trusted.locator('.fingerprint')).toHaveText(hostFingerprint)
  await snapshot(page, testInfo, 'trusted-servers')

  await trusted.getByTestId('trusted-forget').click()
  const confirm = page.getByTestId('trusted-forget-dialog')
  await expect(confirm).toBeVisible()
  await confirm.getByTestId('dialog-confirm').click()
  await expect(page.getByTestId('trusted-servers')).toContainText('None yet')

  // The host form and its token come back after a reload (saved by the back end when hosting started).
  await page.getByTestId('disconnect').click()
  await page.getByTestId('nav-host').click()
  await page.getByTestId('host-toggle').click()
  await expect(page.getByTestId('host-toggle')).toHaveAttribute('aria-checked', 'false')
  await page.reload()
  await page.getByTestId('nav-host').click()
  await expect(page.getByTestId('host-token')).toHaveValue(token)
  await expect(page.getByTestId('host-root')).toHaveValue(ferry.shareDir)
  await expect(page.getByTestId('host-port')).toHaveValue('0')
})
