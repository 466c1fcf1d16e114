import { act, renderHook } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { useCopyText } from './use-copy-text'

function stubClipboard(writeText: (text: string) => Promise<void>) {
  vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
}

afterEach(() => vi.unstubAllGlobals())

describe('useCopyText', () => {
  it('writes the text to the clipboard and remembers it until cleared', async () => {
    const writeText = vi.fn(() => Promise.resolve())
    stubClipboard(writeText)
    const { result } = renderHook(() => useCopyText())
    expect(result.current.copied).toBeNull()
    await act(() => result.current.copy('10.0.0.2:7420'))
    expect(writeText).toHaveBeenCalledWith('10.0.0.2:7420')
    expect(result.current.copied).toBe('10.0.0.2:7420')
    act(() => result.current.clearCopied())
    expect(result.current.copied).toBeNull()
  })

  it('clears the confirmation when the clipboard refuses', async () => {
    stubClipboard(() => Promise.resolve())
    const { result } = renderHook(() => useCopyText())
    await act(() => result.current.copy('first'))
    stubClipboard(() => Promise.reject(new Error('denied')))
    await act(() => result.current.copy('second'))
    expect(result.current.copied).toBeNull()
  })
})
