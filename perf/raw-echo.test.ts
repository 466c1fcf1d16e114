import type { AddressInfo, Server } from 'node:net'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { RawEchoClient, createRawEchoServer } from './raw-echo'

let server: Server
let port = 0

beforeEach(async () => {
  server = createRawEchoServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

it('answers each request with exactly the bytes asked for, in order', async () => {
  const client = await RawEchoClient.connect({ host: '127.0.0.1', port })
  for (const size of [4096, 0, 1, 200_000, 4096]) {
    const data = await client.getBuffer('', { maxBytes: size })
    expect(data.length).toBe(size)
  }
  expect(client.closed).toBe(false)
  await client.close()
  expect(client.closed).toBe(true)
})

it('an aborted request fails CANCELLED and closes the connection', async () => {
  for (const abortFirst of [true, false]) {
    const client = await RawEchoClient.connect({ host: '127.0.0.1', port })
    const controller = new AbortController()
    if (abortFirst) controller.abort()
    // Ask for more than arrives before the abort; map a success to a short string so a failure prints small.
    const pending = client.getBuffer('', { maxBytes: 64 * 1024 * 1024, signal: controller.signal }).then(
      (data) => `resolved with ${data.length} bytes`,
      (e: unknown) => e,
    )
    controller.abort()
    expect(await pending).toMatchObject({ code: 'CANCELLED' })
    expect(client.closed).toBe(true)
  }
})

it('refuses uploads: the baseline only measures reads', async () => {
  const client = await RawEchoClient.connect({ host: '127.0.0.1', port })
  await expect(client.putBuffer()).rejects.toMatchObject({ code: 'UNSUPPORTED' })
  await client.close()
})
