import { describe, expect, it } from 'vitest'
import { isAllowed, toFindings } from './security-check'

describe('security-check findings', () => {
  const raw = {
    id: 'CSP_GLOBAL_CHECK',
    file: 'main/window.ts',
    location: { line: 21, column: 15 },
    description: 'Failed to parse CSP, it may not be valid.',
    severity: { name: 'LOW' },
    confidence: { name: 'TENTATIVE' },
  }

  it('keeps descriptions with commas intact (they once shifted CSV columns)', () => {
    const [f] = toFindings([raw])
    expect(f).toEqual({
      issue: 'CSP_GLOBAL_CHECK',
      severity: 'LOW',
      confidence: 'TENTATIVE',
      filename: 'main/window.ts',
      location: '21:15',
      description: 'Failed to parse CSP, it may not be valid.',
    })
    expect(isAllowed(f!)).toBe(true)
  })

  it('blocks an allowed check in another file and any unlisted check', () => {
    expect(isAllowed(toFindings([{ ...raw, file: 'preload/index.ts' }])[0]!)).toBe(false)
    expect(isAllowed(toFindings([{ ...raw, id: 'NODE_INTEGRATION_JS_CHECK' }])[0]!)).toBe(false)
  })
})
