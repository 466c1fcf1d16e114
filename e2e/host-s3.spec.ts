// The Host view's "S3 bucket" choice in browser mode against the real back end: an unreachable endpoint is
// refused with an inline error (code and message) and nothing is hosted; with FERRY_S3_ENDPOINT set (the shared
// Ceph), a real bucket is hosted, shown as s3://bucket/prefix, and browsed from this window.
import { PutObjectCommand } from '@aws-sdk/client-s3'
import type { Page } from '@playwright/test'
import { createTestBucket, S3_SKIP_REASON } from '../main/store/s3/s3-test-kit'
import { axeViolations, expect, row, test } from './fixtures'
import { closedPort } from '../main/testing/closed-port'

const FAKE_SECRET = 'fake-secret-not-accepted-anywhere'

interface S3Form {
  endpoint: string
  bucket: string
  prefix?: string
  accessKeyId: string
  secret: string
}

async function fillS3Form(page: Page, url: string, form: S3Form): Promise<void> {
  await page.goto(url)
  await page.getByTestId('nav-host').click()
  await page.getByTestId('host-port').fill('0')
  await page.getByTestId('host-share-s3').check()
  await page.getByTestId('host-s3-endpoint').fill(form.endpoint)
  await page.getByTestId('host-s3-bucket').fill(form.bucket)
  if (form.prefix !== undefined) await page.getByTestId('host-s3-prefix').fill(form.prefix)
  await page.getByTestId('host-s3-access-key').fill(form.accessKeyId)
  await page.getByTestId('host-s3-secret').fill(form.secret)
}

test('an unreachable S3 endpoint is refused in the form, with its code, and nothing is hosted', async ({
  page,
  ferry,
  pageErrors,
}) => {
  void pageErrors
  const endpoint = `http://127.0.0.1:${await closedPort()}`
  await fillS3Form(page, ferry.host.url, {
    endpoint,
    bucket: 'team-files',
    prefix: 'docs',
    accessKeyId: 'AKID-E2E',
    secret: FAKE_SECRET,
  })
  await expect(page.getByTestId('host-root')).toHaveCount(0)
  await expect(page.getByTestId('host-s3-secret')).toHaveAttribute('type', 'password')
  await page.getByTestId('host-toggle').click()
  const error = page.getByTestId('host-start-error')
  await expect(error).toHaveAttribute('title', 'Error code: STORE_UNAVAILABLE')
  await expect(error).toContainText(`cannot use the S3 store at ${endpoint}`)
  await expect(error).not.toContainText(FAKE_SECRET)
  await expect(page.getByTestId('host-toggle')).toHaveAttribute('aria-checked', 'false')
  await expect(page.getByTestId('host-state')).toHaveText('Not hosting')
  expect(await axeViolations(page)).toEqual([])
  await page.screenshot({ path: '/tmp/host-s3.png', fullPage: true })
})

test('hosts a real S3 bucket and browses it from this window', async ({ page, ferry, pageErrors }) => {
  void pageErrors
  test.skip(S3_SKIP_REASON !== null, S3_SKIP_REASON ?? '')
  const bucket = await createTestBucket()
  try {
    await bucket.client.send(
      new PutObjectCommand({ Bucket: bucket.bucket, Key: 'docs/hello.txt', Body: 'hello from S3' }),
    )
    await fillS3Form(page, ferry.host.url, {
      endpoint: process.env['FERRY_S3_ENDPOINT'] ?? '',
      bucket: bucket.bucket,
      prefix: 'docs',
      accessKeyId: process.env['FERRY_S3_ACCESS_KEY'] ?? '',
      secret: process.env['FERRY_S3_SECRET_KEY'] ?? '',
    })
    // Plaintext on loopback keeps this about the store, not about trusting a certificate.
    await page.getByTestId('host-tls').uncheck()
    await page.getByTestId('host-toggle').click()
    await expect(page.getByTestId('host-toggle')).toHaveAttribute('aria-checked', 'true')
    await expect(page.getByTestId('host-state')).toHaveText(
      new RegExp(`^Hosting s3://${bucket.bucket}/docs on port \\d+$`),
    )
    // Once hosting, the page no longer holds the secret.
    await expect(page.getByTestId('host-s3-secret')).toHaveValue('')
    const address = await page.getByTestId('host-address').first().inputValue()
    const port = address.slice(address.lastIndexOf(':') + 1)

    await page.getByTestId('nav-connect').click()
    await page.getByTestId('connect-host').fill('127.0.0.1')
    await page.getByTestId('connect-port').fill(port)
    await page.getByTestId('connect-tls').uncheck()
    await page.getByTestId('connect-submit').click()
    await expect(page.getByTestId('browse-view')).toBeVisible()
    await expect(row(page, 'hello.txt')).toBeVisible()

    await page.getByTestId('nav-host').click()
    await page.getByTestId('host-toggle').click()
    await expect(page.getByTestId('host-toggle')).toHaveAttribute('aria-checked', 'false')
  } finally {
    await bucket.cleanup()
  }
})
