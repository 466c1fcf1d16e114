// Copies text for the user and remembers what was copied last, so the UI can confirm it (or stop confirming once
// the text changes). A refused clipboard clears the confirmation instead of throwing.
import { useCallback, useState } from 'react'

export interface CopyText {
  /** The text copied last, or null. */
  copied: string | null
  copy(text: string): Promise<void>
  clearCopied(): void
}

export function useCopyText(): CopyText {
  const [copied, setCopied] = useState<string | null>(null)
  const copy = useCallback(async (text: string) => {
    try {
      await navigator.clipboard.writeText(text)
      setCopied(text)
    } catch {
      setCopied(null)
    }
  }, [])
  const clearCopied = useCallback(() => setCopied(null), [])
  return { copied, copy, clearCopied }
}
