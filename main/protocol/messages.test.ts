import { describe, expect, it } from 'vitest'
import { REQUEST_OPS, RequestSchema, ResponseSchemas } from './messages'

const HASH = 'ab'.repeat(32)
const put = { op: 'PUT', id: 1, path: 'a.bin', size: 3, mode: 'fail' }

describe('upload messages', () => {
  it('PUT comes up-front (sha256), streamed with an uploadKey, or streamed without one', () => {
    expect(RequestSchema.safeParse({ ...put, sha256: HASH }).success).toBe(true)
    expect(RequestSchema.safeParse({ ...put, uploadKey: HASH, resume: true }).success).toBe(true)
    expect(RequestSchema.safeParse(put).success).toBe(true)
  })

  it('PUT refuses sha256 and uploadKey together, and malformed keys', () => {
    const both = RequestSchema.safeParse({ ...put, sha256: HASH, uploadKey: HASH })
    expect(both.success).toBe(false)
    expect(both.error?.issues[0]?.path).toEqual(['uploadKey'])
    expect(RequestSchema.safeParse({ ...put, uploadKey: 'AB'.repeat(32) }).success).toBe(false)
    expect(RequestSchema.safeParse({ ...put, uploadKey: 'ab' }).success).toBe(false)
  })

  it('DATA_END carries a well-formed SHA-256; CANCEL may ask to discard', () => {
    expect(REQUEST_OPS).toContain('DATA_END')
    expect(RequestSchema.safeParse({ op: 'DATA_END', id: 2, sha256: HASH }).success).toBe(true)
    expect(RequestSchema.safeParse({ op: 'DATA_END', id: 2 }).success).toBe(false)
    expect(RequestSchema.safeParse({ op: 'DATA_END', id: 2, sha256: 'x' }).success).toBe(false)
    expect(RequestSchema.safeParse({ op: 'CANCEL', id: 3, discard: true }).success).toBe(true)
    expect(RequestSchema.safeParse({ op: 'CANCEL', id: 3, discard: 'yes' }).success).toBe(false)
  })

  it('PUT ready may carry the prefix hash', () => {
    const ready = { re: 1, ok: true, ready: true, offset: 10 }
    expect(ResponseSchemas.PUT_READY.parse({ ...ready, prefixSha256: HASH }).prefixSha256).toBe(HASH)
    expect(ResponseSchemas.PUT_READY.parse(ready).prefixSha256).toBeUndefined()
    expect(ResponseSchemas.PUT_READY.safeParse({ ...ready, prefixSha256: 'nope' }).success).toBe(false)
  })
})
