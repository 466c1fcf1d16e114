// The browser and the announcer over real UDP sockets on loopback (unicast: nothing leaves the machine), and the
// browser fed made-up packets: garbage, foreign services, bad records, spoofed goodbyes, a flood of hosts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Announcer } from './announcer'
import { MAX_ENTRIES, SERVICE_TYPE } from './constants'
import { Discoverer } from './discoverer'
import {
  announcerTransport,
  browserTransport,
  freeUdpPort,
  nextChange,
  sendRaw,
  sendResponse,
} from './test-kit'

const FP = 'AB:'.repeat(31) + 'AB'
const full = (instance: string) => `${instance}.${SERVICE_TYPE}`
const txt = (name = 'Box') => ['txtvers=1', 'v=1', `name=${name}`, 'tls=0', 'token=0']

function hostRecords(instance: string, port = 7420, strings = txt(), ttl = 120) {
  return {
    answers: [{ type: 'PTR' as const, name: SERVICE_TYPE, ttl, data: full(instance) }],
    additionals: [
      { type: 'SRV' as const, name: full(instance), ttl, data: { port, target: 'box.local' } },
      { type: 'TXT' as const, name: full(instance), ttl, data: strings },
    ],
  }
}

describe('Discoverer on a real socket', () => {
  let port: number
  let discoverer: Discoverer

  beforeEach(async () => {
    port = await freeUdpPort()
    discoverer = new Discoverer({ transport: browserTransport(port) })
    await discoverer.start()
  })
  afterEach(async () => {
    await discoverer.stop()
  })

  it('lists an announcer with its TXT facts, and drops it at once when it says goodbye', async () => {
    const announcer = new Announcer({
      name: 'Box',
      port: 7421,
      tls: true,
      fingerprint: FP,
      tokenRequired: true,
      transport: announcerTransport(port),
    })
    const added = nextChange(discoverer, (c) => c.type === 'add')
    await announcer.start()
    expect(await added).toEqual({
      type: 'add',
      host: expect.objectContaining({
        instance: 'Box (7421)',
        host: '127.0.0.1',
        port: 7421,
        name: 'Box',
        protocol: 1,
        tls: true,
        fingerprint: FP,
        tokenRequired: true,
      }),
    })
    const removed = nextChange(discoverer, (c) => c.type === 'remove')
    await announcer.stop()
    expect(await removed).toEqual({ type: 'remove', id: 'box (7421)@127.0.0.1', reason: 'goodbye' })
    expect(discoverer.list()).toEqual([])
  })

  it('ignores garbage, foreign services and bad records, and keeps working', async () => {
    const warnings: Error[] = []
    discoverer.on('warning', (err) => warnings.push(err))
    const changes: unknown[] = []
    discoverer.on('change', (c) => changes.push(c))
    await sendRaw(port, Buffer.from('not a dns packet at all'))
    await sendRaw(port, Buffer.alloc(0))
    // A header that promises 65535 answers and holds none.
    await sendRaw(port, Buffer.from([0, 0, 0x84, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0]))
    await sendResponse(port, {
      answers: [{ type: 'PTR', name: '_http._tcp.local', ttl: 120, data: 'Web._http._tcp.local' }],
    })
    await sendResponse(port, hostRecords('BadPort', 0))
    await sendResponse(port, hostRecords('BadTxt', 7420, ['txtvers=1', 'v=1', 'name=x', 'tls=1', 'token=0']))
    await sendResponse(port, hostRecords('x'.repeat(64)))
    await sendResponse(port, hostRecords('Huge', 7420, [...txt(), ...Array(100).fill('pad=xxxxxxxx')]))
    await sendResponse(port, {
      answers: [{ type: 'PTR', name: SERVICE_TYPE, ttl: 120, data: full('NoSrv') }],
    })
    // Then a good answer: it is listed, and nothing before it was.
    const added = nextChange(discoverer, (c) => c.type === 'add')
    await sendResponse(port, hostRecords('Good'))
    expect(await added).toMatchObject({ host: { instance: 'Good', port: 7420 } })
    expect(changes).toHaveLength(1)
    expect(discoverer.list().map((h) => h.instance)).toEqual(['Good'])
    expect(warnings.length).toBeGreaterThan(0)
  })

  it('does not let another address say goodbye for a host, and caps a flood of made-up hosts', async () => {
    const added = nextChange(discoverer, (c) => c.type === 'add')
    await sendResponse(port, hostRecords('Real'))
    await added
    // A goodbye for Real from another machine: Real stays.
    await sendResponse(port, { answers: [{ ...hostRecords('Real').answers[0]!, ttl: 0 }] }, '127.0.0.9')
    for (let batch = 0; batch < 16; batch++) {
      const names = Array.from({ length: (MAX_ENTRIES * 2) / 16 }, (_, i) => `Fake ${batch}-${i}`)
      const records = names.map((n) => hostRecords(n))
      await sendResponse(
        port,
        { answers: records.flatMap((r) => r.answers), additionals: records.flatMap((r) => r.additionals) },
        '127.0.0.9',
      )
    }
    // A refresh of a host already listed still gets through when the table is full; a new host does not.
    const renamed = nextChange(discoverer, (c) => c.type === 'update')
    await sendResponse(port, hostRecords('Real', 7420, txt('Real renamed')))
    expect(await renamed).toMatchObject({ host: { instance: 'Real', name: 'Real renamed' } })
    await sendResponse(port, hostRecords('Last'), '127.0.0.9')
    // Packets from one sender arrive in order: once this goodbye is seen, Last was read before it.
    const gone = nextChange(discoverer, (c) => c.type === 'remove')
    await sendResponse(port, { answers: [{ ...hostRecords('Fake 0-0').answers[0]!, ttl: 0 }] }, '127.0.0.9')
    expect(await gone).toEqual({ type: 'remove', id: 'fake 0-0@127.0.0.9', reason: 'goodbye' })
    const list = discoverer.list()
    expect(list).toHaveLength(MAX_ENTRIES - 1)
    expect(list.some((h) => h.instance === 'Last')).toBe(false)
    expect(list.filter((h) => h.host === '127.0.0.1').map((h) => h.name)).toEqual(['Real renamed'])
  })
})
