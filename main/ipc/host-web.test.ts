// The Host view's "Let browsers in" (HostOptions.web): the web page and API start beside the server over the
// same share, with its token, are listed in the status, and stop with it.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { HostStatus } from '../../preload/api'
import type { Kit } from './service-test-kit'
import { makeKit, value } from './service-test-kit'

let kit: Kit
beforeEach(async () => {
  kit = await makeKit()
})
afterEach(() => kit.cleanup())

describe('hosting with browsers let in', () => {
  it('serves the share on a web port with the same token and stops with the server', async () => {
    const root = join(kit.dir, 'share')
    const status = value(
      (await kit.service.handlers.startHost({
        port: 0,
        root,
        bindAll: false,
        token: 'host-web-token',
        web: { port: 0 },
      })) as never,
    ) as HostStatus
    expect(status.webAddresses).toHaveLength(1)
    const url = status.webAddresses?.[0] ?? ''
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    await writeFile(join(root, 'seen.txt'), 'hi')
    expect((await fetch(`${url}api/list/`)).status).toBe(401)
    const login = await fetch(`${url}api/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Ferry-Request': '1' },
      body: JSON.stringify({ token: 'host-web-token' }),
    })
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const list = (await (await fetch(`${url}api/list/`, { headers: { Cookie: cookie } })).json()) as {
      entries: { name: string }[]
    }
    expect(list.entries.map((e) => e.name)).toContain('seen.txt')

    const stopped = value(await kit.service.handlers.stopHost()) as HostStatus
    expect(stopped.webAddresses).toBeUndefined()
    await expect(fetch(`${url}api/session`)).rejects.toThrow()
  })

  it('without the option there is no web server', async () => {
    const status = value(
      (await kit.service.handlers.startHost({ port: 0, root: join(kit.dir, 's'), bindAll: false })) as never,
    ) as HostStatus
    expect(status.webAddresses).toBeUndefined()
  })
})
