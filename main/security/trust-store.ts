// Trust on first use: the fingerprint a server showed the first time is remembered per host:port in a JSON file,
// and a later different one is refused with FINGERPRINT_MISMATCH until the user explicitly accepts it. Writes go
// to a temp file renamed into place, re-reading the file first, so the app and the CLI can share one store.
import { promises as fsp } from 'node:fs'
import { z } from 'zod'
import { FerryError, fromSystemError } from '../protocol/error-codes'
import { normalizeFingerprint, parseFingerprint } from './fingerprint'
import { FingerprintMismatchError } from './fingerprint-mismatch'
import { writePrivateFileAtomic } from './atomic-file'

export const TRUST_STORE_FILE = 'known-servers.json'

const PinSchema = z.object({ fingerprint: z.string(), firstSeen: z.number(), lastSeen: z.number() })
const FileSchema = z.object({ version: z.literal(1), servers: z.record(z.string(), PinSchema) })

export interface PinnedServer {
  /** 'host:port' ('[v6]:port' for IPv6). */
  server: string
  host: string
  port: number
  fingerprint: string
  firstSeen: number
  lastSeen: number
}

export type PinResult = { status: 'trusted' | 'first-use'; fingerprint: string }

export function serverKey(host: string, port: number): string {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
  return h.includes(':') ? `[${h}]:${port}` : `${h}:${port}`
}

export class TrustStore {
  private servers: Record<string, z.infer<typeof PinSchema>> = {}
  private queue: Promise<unknown> = Promise.resolve()

  private constructor(readonly file: string) {}

  static async open(file: string): Promise<TrustStore> {
    const store = new TrustStore(file)
    await store.reload()
    return store
  }

  get(host: string, port: number): PinnedServer | undefined {
    const key = serverKey(host, port)
    const pin = this.servers[key]
    return pin ? pinnedServer(key, pin) : undefined
  }

  /** Every pinned server, most recently seen first; entries whose key is not 'host:port' are left out. */
  list(): PinnedServer[] {
    return Object.entries(this.servers)
      .map(([key, pin]) => pinnedServer(key, pin))
      .filter((p): p is PinnedServer => p !== undefined)
      .sort((a, b) => b.lastSeen - a.lastSeen)
  }

  /**
   * Checks a presented fingerprint: a known server must match its pin (else FINGERPRINT_MISMATCH); an unknown
   * one is pinned when `acceptNew` allows it (default yes, that is trust on first use).
   */
  verify(host: string, port: number, presented: string, acceptNew = true): Promise<PinResult> {
    const fingerprint = parseFingerprint(presented)
    return this.update((servers) => {
      const key = serverKey(host, port)
      const pin = servers[key]
      const now = Date.now()
      if (pin) {
        if (normalizeFingerprint(pin.fingerprint) !== fingerprint)
          throw mismatch(key, pin.fingerprint, fingerprint, pin.firstSeen)
        pin.lastSeen = now
        return { status: 'trusted', fingerprint }
      }
      if (!acceptNew) {
        throw new FerryError(
          'FINGERPRINT_MISMATCH',
          `${key} is not a known server (SHA-256 ${fingerprint}); it was not accepted`,
        )
      }
      servers[key] = { fingerprint, firstSeen: now, lastSeen: now }
      return { status: 'first-use', fingerprint }
    })
  }

  /** The list as the file holds it now: the CLI may have pinned or forgotten servers since the last read. */
  fresh(): Promise<PinnedServer[]> {
    const run = this.queue.then(async () => {
      await this.reload()
      return this.list()
    })
    this.queue = run.catch(() => undefined)
    return run
  }

  /** Pins a fingerprint, replacing an old one: only after the user compared it with the host. */
  pin(host: string, port: number, fingerprint: string): Promise<void> {
    const fp = parseFingerprint(fingerprint)
    return this.update((servers) => {
      const now = Date.now()
      const key = serverKey(host, port)
      const old = servers[key]
      // Pinning the same certificate again (a pairing link used twice) keeps when it was first trusted.
      const firstSeen = old && normalizeFingerprint(old.fingerprint) === fp ? old.firstSeen : now
      servers[key] = { fingerprint: fp, firstSeen, lastSeen: now }
    })
  }

  forget(host: string, port: number): Promise<boolean> {
    return this.update((servers) => {
      const key = serverKey(host, port)
      const had = key in servers
      delete servers[key]
      return had
    })
  }

  private update<T>(change: (servers: Record<string, z.infer<typeof PinSchema>>) => T): Promise<T> {
    const run = this.queue.then(async () => {
      await this.reload()
      const servers = structuredClone(this.servers)
      const result = change(servers)
      await this.write(servers)
      this.servers = servers
      return result
    })
    this.queue = run.catch(() => undefined)
    return run
  }

  private async reload(): Promise<void> {
    let text: string
    try {
      text = await fsp.readFile(this.file, 'utf8')
    } catch (err: unknown) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.servers = {}
        return
      }
      throw fromSystemError(err, `trust store ${this.file}`)
    }
    let parsed: z.infer<typeof FileSchema>
    try {
      parsed = FileSchema.parse(JSON.parse(text))
    } catch (err: unknown) {
      // Refuse rather than start empty: an empty store would silently re-trust every server.
      throw new FerryError('INTERNAL', `trust store ${this.file} is damaged; fix or remove it`, {
        cause: err,
      })
    }
    this.servers = parsed.servers
  }

  private write(servers: Record<string, z.infer<typeof PinSchema>>): Promise<void> {
    const text = JSON.stringify({ version: 1, servers }, null, 2) + '\n'
    return writePrivateFileAtomic(this.file, text, 'trust store')
  }
}

function pinnedServer(key: string, pin: z.infer<typeof PinSchema>): PinnedServer | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(key)
  if (!match) return undefined
  return { server: key, host: (match[1] ?? match[2])!, port: Number(match[3]), ...pin }
}

function mismatch(key: string, pinned: string, presented: string, firstSeen: number): FerryError {
  return new FingerprintMismatchError(
    { server: key, expected: parseFingerprint(pinned), presented },
    `WARNING: ${key} presented a different certificate than the one pinned on ${new Date(firstSeen).toISOString().slice(0, 10)}.\n` +
      `  pinned:    ${pinned}\n  presented: ${presented}\n` +
      'Someone may be intercepting the connection, or the host reset its Ferry identity. Nothing was sent. ' +
      'Compare the fingerprint with the host before accepting the new one.',
  )
}
