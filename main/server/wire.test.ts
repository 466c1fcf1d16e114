import { describe, expect, it } from 'vitest'
import { FrameDecoder } from '../protocol/frame-codec'
import { encodeWithTrailer } from './wire'

describe('encodeWithTrailer', () => {
  it('produces the same frames as separate encodes', () => {
    const body = Buffer.from('hello body')
    const bytes = encodeWithTrailer({ re: 3, ok: true, body: body.length }, body, {
      re: 3,
      done: true,
      note: 'ü',
    })
    const events = new FrameDecoder().push(bytes)
    expect(events.map((e) => e.kind)).toEqual(['header', 'body', 'end', 'header'])
    expect(events[0]).toMatchObject({ header: { re: 3, ok: true, body: body.length } })
    expect(events[1]).toMatchObject({ chunk: body })
    expect(events[3]).toMatchObject({ header: { re: 3, done: true, note: 'ü' } })
  })
})
