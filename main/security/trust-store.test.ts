import { promises as fsp } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { TrustStore } from './trust-store'

const A = 'AA:'.repeat(31) + 'AA'
const B = 'BB:'.repeat(31) + 'BB'

const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) await fsp.rm(dir, { recursive: true, force: true })
})

async function storeFile(): Promise<string> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'ferry-trust-'))
  dirs.push(dir)
  return path.join(dir, 'known-servers.json')
}

describe('TrustStore list and forget', () => {
  it('lists pins with host and port (IPv6 unbracketed), most recently seen first', async () => {
    const store = await TrustStore.open(await storeFile())
    await store.pin('NAS.local', 7420, A.toLowerCase())
    await store.pin('[::1]', 9000, B)
    const list = store.list()
    expect(list.map((p) => [p.server, p.host, p.port, p.fingerprint])).toEqual([
      ['[::1]:9000', '::1', 9000, B],
      ['nas.local:7420', 'nas.local', 7420, A],
    ])
    expect(list[0]!.lastSeen).toBeGreaterThanOrEqual(list[1]!.lastSeen)
  })

  it('keeps the first-pinned time when the same certificate is pinned again, resets it for another', async () => {
    const file = await storeFile()
    const store = await TrustStore.open(file)
    await store.pin('h', 1, A)
    const { firstSeen } = store.get('h', 1)!
    // Backdate the pin in the file, as if made a day ago; the store re-reads the file before every change.
    const saved = JSON.parse(await fsp.readFile(file, 'utf8')) as {
      servers: Record<string, { firstSeen: number; lastSeen: number }>
    }
    saved.servers['h:1']!.firstSeen = firstSeen - 86_400_000
    await fsp.writeFile(file, JSON.stringify(saved))
    await store.pin('h', 1, A)
    expect(store.get('h', 1)!.firstSeen).toBe(firstSeen - 86_400_000)
    await store.pin('h', 1, B)
    expect(store.get('h', 1)!.firstSeen).toBeGreaterThanOrEqual(firstSeen)
  })

  it('forgets a server, and sees what another process (the CLI) changed in the file', async () => {
    const file = await storeFile()
    const app = await TrustStore.open(file)
    const cli = await TrustStore.open(file)
    await app.pin('a', 1, A)
    await cli.pin('b', 2, B)
    expect(app.list().map((p) => p.server)).toEqual(['a:1'])
    expect((await app.fresh()).map((p) => p.server).sort()).toEqual(['a:1', 'b:2'])
    expect(await app.forget('b', 2)).toBe(true)
    expect(await app.forget('b', 2)).toBe(false)
    expect((await cli.fresh()).map((p) => p.server)).toEqual(['a:1'])
    expect((await fsp.stat(file)).mode & 0o777).toBe(0o600)
  })
})
