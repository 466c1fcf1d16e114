// Many clients at once against one FerryServer: mixed GETs and POSTs (PUT) with every byte compared.
import { randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { FerryServer } from '../server'
import { FerryClient } from './ferry-client'

const CLIENTS = 200
const ROUNDS = 5

let base = ''
let server: FerryServer | null = null
const clients: FerryClient[] = []

beforeEach(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'ferry-client-many-'))
  server = await FerryServer.start({ root: path.join(base, 'share') })
})

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
  await server?.close({ graceMs: 0 })
  server = null
  await fs.rm(base, { recursive: true, force: true })
})

it(`${CLIENTS} concurrent clients doing mixed GET/PUT verify every byte`, async () => {
  const { port } = server!.address()
  const shared = Array.from({ length: 8 }, (_, i) => randomBytes(1000 + i * 4096))
  const seeder = await FerryClient.connect({ host: '127.0.0.1', port })
  clients.push(seeder)
  for (const [i, data] of shared.entries()) await seeder.putBuffer(`shared-${i}.bin`, data)

  const connected = await Promise.all(
    Array.from({ length: CLIENTS }, () => FerryClient.connect({ host: '127.0.0.1', port })),
  )
  clients.push(...connected)
  let verified = 0
  await Promise.all(
    connected.map(async (client, c) => {
      for (let round = 0; round < ROUNDS; round++) {
        const own = randomBytes((c * 131 + round * 977) % 20_000)
        const name = `c${c}-r${round}.bin`
        // Both requests are queued at once: the client must keep them in order on its one connection.
        const [stored, got] = await Promise.all([
          client.putBuffer(name, own),
          client.getBuffer(`shared-${(c + round) % shared.length}.bin`),
        ])
        expect(stored.size).toBe(own.length)
        expect(got.equals(shared[(c + round) % shared.length]!)).toBe(true)
        expect((await client.getBuffer(name)).equals(own)).toBe(true)
        verified++
      }
    }),
  )
  expect(verified).toBe(CLIENTS * ROUNDS)
  expect((await seeder.list('')).length).toBe(shared.length + CLIENTS * ROUNDS)
})
