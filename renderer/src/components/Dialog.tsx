// A small modal dialog: labelled, focus moves in on open and back out on close, Escape cancels, Tab stays inside.
import { useEffect, useId, useRef, type ReactNode, type KeyboardEvent } from 'react'

interface DialogProps {
  title: string
  children: ReactNode
  onCancel(): void
  testId?: string
}

const FOCUSABLE = 'input, button, select, textarea, [tabindex]:not([tabindex="-1"])'

export function Dialog({ title, children, onCancel, testId }: DialogProps) {
  const titleId = useId()
  const ref = useRef<HTMLDivElement>(null)

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null
    const first =
      ref.current?.querySelector<HTMLElement>('[data-autofocus]') ??
      ref.current?.querySelector<HTMLElement>(FOCUSABLE)
    first?.focus()
    return () => previous?.focus?.()
  }, [])

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.stopPropagation()
      onCancel()
      return
    }
    if (e.key !== 'Tab' || !ref.current) return
    const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
      (el) => !el.hasAttribute('disabled'),
    )
    const first = items[0]
    const last = items[items.length - 1]
    if (!first || !last) return
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault()
      last.focus()
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault()
      first.focus()
    }
  }

  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onCancel()}>
      <div
        ref={ref}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={testId}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId}>{title}</h2>
        {children}
      </div>
    </div>
  )
}

interface ConfirmDialogProps {
  title: string
  message: ReactNode
  confirmLabel: string
  danger?: boolean
  /** Why the action failed, shown inside the dialog (which then stays open). */
  error?: ReactNode
  /** While the action runs: the confirm button is disabled. */
  busy?: boolean
  onConfirm(): void
  onCancel(): void
  testId?: string
}

export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  danger,
  error,
  busy,
  onConfirm,
  onCancel,
  testId,
}: ConfirmDialogProps) {
  return (
    <Dialog title={title} onCancel={onCancel} testId={testId}>
      <div className="dialog-body">{message}</div>
      <div className="field-error" role="alert" data-testid="dialog-error">
        {error}
      </div>
      <div className="dialog-actions">
        <button type="button" onClick={onCancel} data-autofocus data-testid="dialog-cancel">
          Cancel
        </button>
        <button
          type="button"
          className={danger ? 'danger' : 'primary'}
          onClick={onConfirm}
          disabled={busy}
          data-testid="dialog-confirm"
        >
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  )
}
