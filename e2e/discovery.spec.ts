// The Connect view's Nearby list against the real back end: a host announced by a real Announcer appears, picking
// it fills the form, and its goodbye removes it. Loopback has no multicast on Linux, so the browser host's
// discovery listens on a loopback unicast port and the announcer sends there (main/discovery/test-kit.ts);
// across a real network this is main/discovery/netns.test.ts.
import { test as base, expect } from '@playwright/test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { startBrowserHost } from '../main/browser-host'
import { Announcer } from '../main/discovery'
import { announcerTransport, browserTransport, freeUdpPort } from '../main/discovery/test-kit'

const FP = 'AB:'.repeat(31) + 'AB'

base(
  'shows an announced host under Nearby, fills the form from it, and drops it on goodbye',
  async ({ page }) => {
    const root = await mkdtemp(join(tmpdir(), 'ferry-e2e-nearby-'))
    const mdnsPort = await freeUdpPort()
    const host = await startBrowserHost({
      staticDir: resolve('out/renderer'),
      dataDir: join(root, 'data'),
      discovery: { transport: browserTransport(mdnsPort) },
    })
    const announcer = new Announcer({
      name: 'Studio',
      port: 7421,
      tls: true,
      fingerprint: FP,
      tokenRequired: true,
      transport: announcerTransport(mdnsPort),
    })
    try {
      await page.goto(host.url)
      await page.getByTestId('nav-connect').click()
      await expect(page.getByTestId('nearby-empty')).toBeVisible()
      await announcer.start()
      const studio = page.getByRole('button', { name: 'Use Studio at 127.0.0.1:7421' })
      await expect(studio).toBeVisible()
      await expect(studio).toContainText('TLS, token required')
      await studio.click()
      await expect(page.getByTestId('connect-host')).toHaveValue('127.0.0.1')
      await expect(page.getByTestId('connect-port')).toHaveValue('7421')
      await expect(page.getByTestId('connect-pinned')).toContainText('as announced on the network')
      await announcer.stop()
      await expect(studio).toHaveCount(0)
      await expect(page.getByTestId('nearby-empty')).toBeVisible()
    } finally {
      await announcer.stop()
      await host.close()
      await rm(root, { recursive: true, force: true })
    }
  },
)
