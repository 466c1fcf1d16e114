import { promises as fsp } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { type HostSettings, hostSettingsFile, loadHostSettings, saveHostSettings } from './host-settings'

const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) await fsp.rm(dir, { recursive: true, force: true })
})

async function tempDir(): Promise<string> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'ferry-settings-'))
  dirs.push(dir)
  return dir
}

const SETTINGS: HostSettings = {
  port: 7420,
  root: '/srv/share',
  bindAll: true,
  tls: true,
  readOnly: false,
  token: 'abcde-fghij-kmnpq-rstuv',
}

describe('host settings file', () => {
  it('saves privately (0600, in a folder it creates) and loads the same settings back', async () => {
    const file = hostSettingsFile(path.join(await tempDir(), 'nested'))
    await saveHostSettings(file, SETTINGS)
    expect((await fsp.stat(file)).mode & 0o777).toBe(0o600)
    expect(await loadHostSettings(file)).toEqual(SETTINGS)
    const { token: _token, ...noToken } = SETTINGS
    await saveHostSettings(file, noToken)
    expect(await loadHostSettings(file)).toEqual(noToken)
    const leftovers = (await fsp.readdir(path.dirname(file))).filter((n) => n.endsWith('.tmp'))
    expect(leftovers).toEqual([])
  })

  it('treats a missing file as no settings, silently', async () => {
    const warnings: string[] = []
    expect(await loadHostSettings(hostSettingsFile(await tempDir()), (w) => warnings.push(w))).toBeNull()
    expect(warnings).toEqual([])
  })

  it.each([
    ['not JSON', '{"version":1,'],
    ['another version', JSON.stringify({ version: 2, settings: SETTINGS })],
    ['a wrong type', JSON.stringify({ version: 1, settings: { ...SETTINGS, port: 'x' } })],
    ['a port out of range', JSON.stringify({ version: 1, settings: { ...SETTINGS, port: 70000 } })],
    ['an empty token', JSON.stringify({ version: 1, settings: { ...SETTINGS, token: '' } })],
    ['nothing useful', 'null'],
  ])('ignores a file with %s, with a warning', async (_what, text) => {
    const file = hostSettingsFile(await tempDir())
    await fsp.writeFile(file, text)
    const warnings: string[] = []
    expect(await loadHostSettings(file, (w) => warnings.push(w))).toBeNull()
    expect(warnings).toHaveLength(1)
  })

  it('ignores a file it cannot read (a folder in its place) instead of failing', async () => {
    const file = hostSettingsFile(await tempDir())
    await fsp.mkdir(file)
    const warnings: string[] = []
    expect(await loadHostSettings(file, (w) => warnings.push(w))).toBeNull()
    expect(warnings[0]).toMatch(/using defaults/)
  })
})
