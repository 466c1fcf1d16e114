// Discovery across a real network: two network namespaces joined by a veth pair (10.77.0.1/24 and 10.77.0.2/24,
// each with a default route through its veth, as a LAN host has). A host announced in one is found from the
// other; one that stops is gone at once (goodbye), one that dies is gone within its TTL plus the sweep interval.
// Needs root (ip netns); skips saying why where namespaces cannot be made. Namespaces are named per run and
// always removed.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { SWEEP_MS } from './discoverer'
import type { DiscoveryChange } from './nearby-table'

const CHILD = fileURLToPath(new URL('./netns-child.ts', import.meta.url))
const tag = randomBytes(3).toString('hex')
const NS_HOST = `ferry-h-${tag}`
const NS_PEER = `ferry-p-${tag}`
const TTL_S = 3

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' })
}

/** Why namespaces cannot be made here, or null when they were made. */
function setUp(): string | null {
  if (process.platform !== 'linux') return 'network namespaces are Linux only'
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces (ip netns add)'
  try {
    ip('netns', 'add', NS_HOST)
    ip('netns', 'add', NS_PEER)
    ip(
      'link',
      'add',
      `fh${tag}`,
      'netns',
      NS_HOST,
      'type',
      'veth',
      'peer',
      'name',
      `fp${tag}`,
      'netns',
      NS_PEER,
    )
    for (const [ns, dev, addr] of [
      [NS_HOST, `fh${tag}`, '10.77.0.1/24'],
      [NS_PEER, `fp${tag}`, '10.77.0.2/24'],
    ] as const) {
      ip('-n', ns, 'addr', 'add', addr, 'dev', dev)
      ip('-n', ns, 'link', 'set', dev, 'up')
      ip('-n', ns, 'link', 'set', 'lo', 'up')
      ip('-n', ns, 'route', 'add', 'default', 'dev', dev)
    }
    return null
  } catch (err: unknown) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim()
    return `cannot make network namespaces here: ${stderr || (err instanceof Error ? err.message : String(err))}`
  }
}

function tearDown(): void {
  // Deleting a namespace deletes its end of the veth pair, and so the pair.
  for (const ns of [NS_HOST, NS_PEER]) {
    try {
      ip('netns', 'del', ns)
    } catch {
      // Not made (setUp failed before it): nothing to remove.
    }
  }
}

const skipReason = setUp()
const children: ChildProcess[] = []

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  tearDown()
})

function run(ns: string, ...args: string[]): { child: ChildProcess; lines: AsyncIterator<string> } {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', CHILD, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  children.push(child)
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]()
  return { child, lines }
}

async function nextLine(lines: AsyncIterator<string>): Promise<string> {
  const next = await lines.next()
  if (next.done) throw new Error('the child ended early')
  return next.value
}

async function nextChange(lines: AsyncIterator<string>): Promise<DiscoveryChange> {
  return JSON.parse(await nextLine(lines)) as DiscoveryChange
}

describe.skipIf(skipReason !== null)(
  `discovery across two network namespaces${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    it('finds a host announced in the other namespace, and loses it on goodbye and within the TTL after a crash', async () => {
      const browser = run(NS_PEER, 'browse')
      expect(await nextLine(browser.lines)).toBe('ready')

      const first = run(NS_HOST, 'announce', 'Across', '7420', String(TTL_S))
      expect(await nextLine(first.lines)).toBe('ready')
      expect(await nextChange(browser.lines)).toMatchObject({
        type: 'add',
        host: { instance: 'Across (7420)', host: '10.77.0.1', port: 7420, name: 'Across', tls: false },
      })
      first.child.kill('SIGTERM')
      expect(await nextChange(browser.lines)).toEqual({
        type: 'remove',
        id: 'across (7420)@10.77.0.1',
        reason: 'goodbye',
      })

      // A host that dies without a goodbye stays listed until its TTL runs out, and no longer.
      const second = run(NS_HOST, 'announce', 'Crashing', '7421', String(TTL_S))
      expect(await nextLine(second.lines)).toBe('ready')
      expect(await nextChange(browser.lines)).toMatchObject({
        type: 'add',
        host: { instance: 'Crashing (7421)' },
      })
      second.child.kill('SIGKILL')
      const killedAt = Date.now()
      expect(await nextChange(browser.lines)).toEqual({
        type: 'remove',
        id: 'crashing (7421)@10.77.0.1',
        reason: 'expired',
      })
      const tookMs = Date.now() - killedAt
      expect(tookMs).toBeLessThanOrEqual(TTL_S * 1000 + SWEEP_MS + 500)
      browser.child.kill('SIGTERM')
    })
  },
)
