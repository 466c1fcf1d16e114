// A form checkbox with its label after it: the one checkbox layout the forms share.
import { useId, type ReactNode } from 'react'

interface CheckboxFieldProps {
  checked: boolean
  onChange(checked: boolean): void
  disabled?: boolean
  testId: string
  /** The label. */
  children: ReactNode
}

export function CheckboxField({ checked, onChange, disabled, testId, children }: CheckboxFieldProps) {
  const id = useId()
  return (
    <div className="field checkbox-field">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
        data-testid={testId}
      />
      <label htmlFor={id}>{children}</label>
    </div>
  )
}
