// Every handler validates its arguments and resolves to an IpcResult, whatever the renderer sends.
import { inspect } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CALL_METHODS } from './channels'
import type { Kit } from './service-test-kit'
import { makeKit } from './service-test-kit'

let kit: Kit
beforeAll(async () => {
  kit = await makeKit()
})
afterAll(async () => {
  await kit.cleanup()
})

const GARBAGE: unknown[][] = [
  [undefined],
  [null],
  [{}],
  [[]],
  ['x', 'y', 'z', 'w'],
  [Number.NaN],
  [{ toString: null, valueOf: null }],
  [Object.create(null)],
  ['\0'],
  [{ port: -1, root: 'relative', bindAll: 'yes' }],
  [{ host: 'h', port: 70_000 }],
  [['../etc/passwd'], '/tmp'],
  [[{ localPath: 'relative', relativePath: 'a' }], ''],
]

describe('argument validation', () => {
  it.each(CALL_METHODS)('%s never throws and refuses junk with INVALID_ARGUMENT', async (method) => {
    const handle = kit.service.handlers[method]
    for (const args of GARBAGE) {
      const result = await handle(...args)
      expect(result.ok, `${method}(${inspect(args)})`).toBe(false)
      if (!result.ok) {
        expect(result.error.code).toBe('INVALID_ARGUMENT')
        expect(result.error.message).not.toMatch(/\n\s+at /)
      }
    }
  })

  it('names the bad argument', async () => {
    const result = await kit.service.handlers.startHost({ port: 0, root: 'share', bindAll: false })
    expect(result).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: 'root: must be an absolute path' },
    })
    expect(await kit.service.handlers.listRemote('a/../b')).toMatchObject({
      error: { code: 'INVALID_ARGUMENT' },
    })
    expect(await kit.service.handlers.deleteRemote('', true)).toMatchObject({
      error: { code: 'INVALID_ARGUMENT' },
    })
    expect(await kit.service.handlers.connect({ host: 'a b', port: 1 })).toMatchObject({
      error: { code: 'INVALID_ARGUMENT' },
    })
    expect(
      await kit.service.handlers.startPerf({
        clientCounts: [],
        sizeBytes: 1,
        requests: 1,
        mix: 'get',
        target: 'local',
      }),
    ).toMatchObject({ error: { code: 'INVALID_ARGUMENT' } })
  })

  it('accepts valid calls with no arguments and answers them', async () => {
    expect(await kit.service.handlers.getAppInfo()).toEqual({
      ok: true,
      value: expect.objectContaining({ mode: 'browser', version: '9.9.9', platform: process.platform }),
    })
    expect(await kit.service.handlers.chooseFolder('share')).toEqual({ ok: true, value: null })
    expect(await kit.service.handlers.listTransfers()).toEqual({ ok: true, value: [] })
  })

  it('maps unexpected failures to INTERNAL with a message and no stack', async () => {
    const broken = await makeKit({
      chooseFolder: () => Promise.reject(new TypeError('dialog exploded')),
    })
    try {
      expect(await broken.service.handlers.chooseFolder('download')).toEqual({
        ok: false,
        error: { code: 'INTERNAL', message: 'dialog exploded' },
      })
    } finally {
      await broken.cleanup()
    }
  })
})
