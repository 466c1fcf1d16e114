// Asks for a single name (new folder, rename) with the local name check shown inline.
import { useId, useState, type FormEvent } from 'react'
import { nameProblem } from '../lib/paths'
import { Dialog } from './Dialog'

interface NameDialogProps {
  title: string
  label: string
  initial: string
  submitLabel: string
  onSubmit(name: string): void
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
  const inputId = useId()
  const errorId = useId()
  const problem = nameProblem(name)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    setTouched(true)
    if (!problem) onSubmit(name)
  }
  return (
    <Dialog title={title} onCancel={onCancel} testId={testId}>
      <form onSubmit={submit} noValidate>
        <label htmlFor={inputId}>{label}</label>
        <input
          id={inputId}
          value={name}
          data-autofocus
          data-testid="name-input"
          aria-invalid={touched && problem !== null}
          aria-describedby={errorId}
          onChange={(e) => setName(e.target.value)}
          onFocus={(e) => {
            // Select the name without its extension, as file managers do when renaming.
            const dot = e.target.value.lastIndexOf('.')
            e.target.setSelectionRange(0, dot > 0 ? dot : e.target.value.length)
          }}
        />
        <p id={errorId} className="field-error" role="alert">
          {touched && problem ? problem : ''}
        </p>
        <div className="dialog-actions">
          <button type="button" onClick={onCancel} data-testid="dialog-cancel">
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="dialog-confirm">
            {submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
