import { describe, expect, it } from 'vitest'
import type { InstanceAnswer } from './answers'
import { MAX_ENTRIES } from './constants'
import { NearbyTable } from './nearby-table'
import type { FerryTxt } from './txt-record'

const TXT: FerryTxt = { protocol: 1, name: 'Box', tls: false, fingerprint: null, tokenRequired: false }
const host = (instance: string, ttlSeconds = 120, txt = TXT, port = 7420): InstanceAnswer => ({
  kind: 'host',
  instance,
  port,
  ttlSeconds,
  txt,
})
const bye = (instance: string): InstanceAnswer => ({ kind: 'goodbye', instance })

describe('NearbyTable', () => {
  it('adds a host, updates it only when something visible changes, and drops it on its goodbye', () => {
    const table = new NearbyTable()
    expect(table.apply([host('Box (7420)')], '10.0.0.5', 0)).toEqual([
      {
        type: 'add',
        host: expect.objectContaining({ id: 'box (7420)@10.0.0.5', host: '10.0.0.5', port: 7420 }),
      },
    ])
    expect(table.apply([host('Box (7420)')], '10.0.0.5', 1000)).toEqual([])
    expect(table.apply([host('Box (7420)', 120, { ...TXT, tokenRequired: true })], '10.0.0.5', 2000)).toEqual(
      [{ type: 'update', host: expect.objectContaining({ tokenRequired: true }) }],
    )
    expect(table.apply([bye('box (7420)')], '10.0.0.5', 3000)).toEqual([
      { type: 'remove', id: 'box (7420)@10.0.0.5', reason: 'goodbye' },
    ])
    expect(table.list()).toEqual([])
  })

  it('keys entries by the address that answered: another machine cannot say goodbye for a host', () => {
    const table = new NearbyTable()
    table.apply([host('Box (7420)')], '10.0.0.5', 0)
    expect(table.apply([bye('Box (7420)')], '10.0.0.66', 1)).toEqual([])
    // The same name from another address is another entry, never a change of the first one's address.
    expect(table.apply([host('Box (7420)')], '10.0.0.66', 2)).toEqual([
      { type: 'add', host: expect.objectContaining({ host: '10.0.0.66' }) },
    ])
    expect(
      table
        .list()
        .map((h) => h.host)
        .sort(),
    ).toEqual(['10.0.0.5', '10.0.0.66'])
  })

  it('expires an entry when its TTL runs out without a fresh answer, and a fresh answer keeps it', () => {
    const table = new NearbyTable()
    table.apply([host('A', 10), host('B', 10)], '10.0.0.5', 0)
    table.apply([host('B', 10)], '10.0.0.5', 8000)
    expect(table.sweep(9999)).toEqual([])
    expect(table.sweep(10_000)).toEqual([{ type: 'remove', id: 'a@10.0.0.5', reason: 'expired' }])
    expect(table.sweep(18_000)).toEqual([{ type: 'remove', id: 'b@10.0.0.5', reason: 'expired' }])
  })

  it('asks again at 80% of the TTL, then halfway to the expiry each time', () => {
    const table = new NearbyTable()
    table.apply([host('A', 10)], '10.0.0.5', 0)
    expect(table.dueForRefresh(7999)).toBe(false)
    expect(table.dueForRefresh(8000)).toBe(true)
    expect(table.dueForRefresh(8500)).toBe(false)
    expect(table.dueForRefresh(9000)).toBe(true)
  })

  it(`holds at most ${MAX_ENTRIES} hosts; known ones still refresh when full`, () => {
    const table = new NearbyTable()
    const flood = Array.from({ length: MAX_ENTRIES * 4 }, (_, i) => host(`H${i}`))
    const changes = table.apply(flood, '10.0.0.66', 0)
    expect(changes).toHaveLength(MAX_ENTRIES)
    expect(table.list()).toHaveLength(MAX_ENTRIES)
    expect(table.dropped).toBe(MAX_ENTRIES * 3)
    expect(table.apply([host('H0', 120, { ...TXT, name: 'Renamed' })], '10.0.0.66', 1)).toHaveLength(1)
  })
})
