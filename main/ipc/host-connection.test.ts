import { mkdir, writeFile } from 'node:fs/promises'
import net from 'node:net'
import type { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ConnectionInfo, HostStatus, RemoteEntry } from '../../preload/api'
import { reachableAddresses } from './host-service'
import type { Kit } from './service-test-kit'
import { makeKit, nextEvent, value } from './service-test-kit'

let kit: Kit
beforeEach(async () => {
  kit = await makeKit()
})
afterEach(async () => {
  await kit.cleanup()
})

async function host(): Promise<HostStatus> {
  const root = join(kit.dir, 'share')
  return value((await kit.service.handlers.startHost({ port: 0, root, bindAll: false })) as never)
}

describe('hosting', () => {
  it('starts, reports status and events, refuses a second start, and stops', async () => {
    const { service } = kit
    const started = nextEvent(service.events, 'host', (e) => e.type === 'status')
    const status = await host()
    expect(status).toMatchObject({ running: true, root: join(kit.dir, 'share'), bindAll: false, clients: [] })
    expect(status.port).toBeGreaterThan(0)
    expect(status.addresses).toEqual([`127.0.0.1:${status.port}`])
    expect(await started).toEqual({ type: 'status', status })
    expect(value(await service.handlers.getHostStatus())).toEqual(status)

    const again = await service.handlers.startHost({ port: 0, root: kit.dir, bindAll: false })
    expect(again).toMatchObject({ ok: false, error: { code: 'BUSY' } })

    const stopped = nextEvent(service.events, 'host', (e) => e.type === 'status' && !e.status.running)
    const after = value(await service.handlers.stopHost()) as HostStatus
    expect(after).toMatchObject({ running: false, port: null, addresses: [], clients: [] })
    await stopped
    await expect(
      new Promise((_, reject) => net.connect(status.port ?? 0, '127.0.0.1').on('error', reject)),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' })
  })

  it('forwards client-connected, transfer and client-left events from the server', async () => {
    const { service } = kit
    const status = await host()
    await writeFile(join(kit.dir, 'share', 'hello.txt'), 'hi')
    const connected = nextEvent(service.events, 'host', (e) => e.type === 'client-connected')
    value(await service.handlers.connect({ host: '127.0.0.1', port: status.port }))
    const event = await connected
    expect(event).toMatchObject({
      type: 'client-connected',
      client: { address: expect.stringContaining('127.0.0.1') },
    })
    expect((value(await service.handlers.getHostStatus()) as HostStatus).clients).toHaveLength(1)

    const left = nextEvent(service.events, 'host', (e) => e.type === 'client-left')
    value(await service.handlers.disconnect())
    expect(await left).toMatchObject({ type: 'client-left' })
  })

  it('writes a readable server log: start, client connected and left, transfer outcome, stop', async () => {
    const { service } = kit
    const lines: string[] = []
    service.events.on('host', (e) => {
      if (e.type === 'log') lines.push(e.message)
    })
    const status = await host()
    await writeFile(join(kit.dir, 'share', 'hello.txt'), 'hi')
    value(await service.handlers.connect({ host: '127.0.0.1', port: status.port }))
    const done = nextEvent(service.events, 'host', (e) => e.type === 'log' && e.message.includes('done'))
    const finished = nextEvent(service.events, 'transfer', (e) => e.transfer.state === 'done')
    const ids = value(await service.handlers.download(['hello.txt'], join(kit.dir, 'dl'))) as string[]
    expect(ids).toHaveLength(1)
    await done
    await finished
    const left = nextEvent(service.events, 'host', (e) => e.type === 'log' && e.message.includes('left'))
    value(await service.handlers.disconnect())
    await left
    value(await service.handlers.stopHost())
    expect(lines[0]).toBe(
      `hosting ${join(kit.dir, 'share')} on 127.0.0.1:${status.port} (no TLS, no access token)`,
    )
    expect(lines.some((l) => /127\.0\.0\.1:\d+ connected, idle timeout 300 s/.test(l))).toBe(true)
    expect(lines).toContain('download of /hello.txt done (2 bytes)')
    expect(lines.at(-1)).toBe('server stopped')
  })

  it('lists every non-internal address when bound to all interfaces', () => {
    const interfaces = {
      lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
      eth0: [
        { address: '192.0.2.7', family: 'IPv4', internal: false },
        { address: '2001:db8::7', family: 'IPv6', internal: false },
        { address: 'fe80::1', family: 'IPv6', internal: false },
      ],
    } as unknown as ReturnType<typeof networkInterfaces>
    expect(reachableAddresses(7420, true, interfaces)).toEqual(['192.0.2.7:7420', '[2001:db8::7]:7420'])
    expect(reachableAddresses(7420, false, interfaces)).toEqual(['127.0.0.1:7420'])
  })
})

describe('connection', () => {
  it('connects with state events, then lists, creates, renames and deletes', async () => {
    const { service } = kit
    const { port } = await host()
    await mkdir(join(kit.dir, 'share', 'docs'), { recursive: true })
    await writeFile(join(kit.dir, 'share', 'docs', 'a.txt'), 'abc')

    const states: string[] = []
    service.events.on('connection', (s) => states.push(s.state))
    const info = value(await service.handlers.connect({ host: '127.0.0.1', port })) as ConnectionInfo
    expect(info).toMatchObject({ host: '127.0.0.1', port, protocol: 1, readOnly: false })
    expect(info.idleTimeoutMs).toBeGreaterThan(0)
    expect(states).toEqual(['connecting', 'connected'])
    // What a page that loads now (a reload) is told.
    expect(value(await service.handlers.getConnectionState())).toEqual({ state: 'connected', info })

    const docs = value(await service.handlers.listRemote('docs')) as RemoteEntry[]
    expect(docs).toEqual([
      { name: 'a.txt', path: 'docs/a.txt', type: 'file', size: 3, mtimeMs: expect.any(Number) },
    ])

    const made = value(await service.handlers.makeRemoteFolder('docs/new')) as RemoteEntry
    expect(made).toMatchObject({ name: 'new', path: 'docs/new', type: 'dir' })
    const renamed = value(await service.handlers.renameRemote('docs/a.txt', 'docs/new/b.txt')) as RemoteEntry
    expect(renamed).toMatchObject({ name: 'b.txt', path: 'docs/new/b.txt', type: 'file', size: 3 })
    expect(await service.handlers.renameRemote('docs/missing', 'docs/x')).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    })

    expect(await service.handlers.deleteRemote('docs/new', false)).toMatchObject({
      ok: false,
      error: { code: 'NOT_EMPTY' },
    })
    value(await service.handlers.deleteRemote('docs/new', true))
    expect(value(await service.handlers.listRemote('docs'))).toEqual([])

    value(await service.handlers.disconnect())
    expect(states.at(-1)).toBe('disconnected')
    expect(await service.handlers.listRemote('')).toMatchObject({
      ok: false,
      error: { code: 'CONNECTION_CLOSED' },
    })
  })

  it('reports a refused connection as an error state', async () => {
    const { service } = kit
    const { port } = await host()
    value(await service.handlers.stopHost())
    const failed = nextEvent(service.events, 'connection', (s) => s.state === 'error')
    const result = await service.handlers.connect({ host: '127.0.0.1', port: port ?? 1 })
    expect(result).toMatchObject({ ok: false, error: { code: 'CONNECTION_FAILED' } })
    expect(await failed).toMatchObject({ state: 'error', error: { code: 'CONNECTION_FAILED' } })
  })

  it('says disconnected when the server goes away, and reconnects on the next request', async () => {
    const { service } = kit
    const root = join(kit.dir, 'share')
    const { port } = await host()
    value(await service.handlers.connect({ host: '127.0.0.1', port }))
    const dropped = nextEvent(service.events, 'connection', (s) => s.state === 'disconnected')
    value(await service.handlers.stopHost())
    expect(await dropped).toMatchObject({ state: 'disconnected', reason: expect.any(String) })

    value(await service.handlers.startHost({ port: port ?? 0, root, bindAll: false }))
    const back = nextEvent(service.events, 'connection', (s) => s.state === 'connected')
    expect(value(await service.handlers.listRemote(''))).toEqual([])
    expect(await back).toMatchObject({ state: 'connected', info: { port } })
  })
})
