// Asks for a single name (new folder, rename) with the local name check shown inline.
import { useId, useState, type FormEvent } from 'react'
import type { ApiError } from '../lib/api'
import { describeError, errorCodeTitle } from '../lib/error-text'
import { nameProblem } from '../lib/paths'
import { Dialog } from './Dialog'

interface NameDialogProps {
  title: string
  label: string
  initial: string
  submitLabel: string
  /** Runs the change; resolves with the error to show in the dialog, or null (the caller then closes it). */
  onSubmit(name: string): Promise<ApiError | null>
  onCancel(): void
  testId?: string
}

export function NameDialog({
  title,
  label,
  initial,
  submitLabel,
  onSubmit,
  onCancel,
  testId,
}: NameDialogProps) {
  const [name, setName] = useState(initial)
  const [touched, setTouched] = useState(false)
  const [failure, setFailure] = useState<ApiError | null>(null)
  const [busy, setBusy] = useState(false)
  const inputId = useId()
  const errorId = useId()
  const problem = nameProblem(name)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setTouched(true)
    if (problem || busy) return
    setBusy(true)
    setFailure(await onSubmit(name))
    setBusy(false)
  }
  const shown = touched && problem ? problem : failure ? describeError(failure) : ''
  return (
    <Dialog title={title} onCancel={onCancel} testId={testId}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <label htmlFor={inputId}>{label}</label>
        <input
          id={inputId}
          value={name}
          data-autofocus
          data-testid="name-input"
          aria-invalid={shown !== ''}
          aria-describedby={errorId}
          onChange={(e) => {
            setName(e.target.value)
            setFailure(null)
          }}
          onFocus={(e) => {
            // Select the name without its extension, as file managers do when renaming.
            const dot = e.target.value.lastIndexOf('.')
            e.target.setSelectionRange(0, dot > 0 ? dot : e.target.value.length)
          }}
        />
        <p
          id={errorId}
          className="field-error"
          role="alert"
          data-testid="dialog-error"
          title={failure && !(touched && problem) ? errorCodeTitle(failure.code) : undefined}
        >
          {shown}
        </p>
        <div className="dialog-actions">
          <button type="button" onClick={onCancel} data-testid="dialog-cancel">
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy} data-testid="dialog-confirm">
            {submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
