// A folder path text field with a "Choose..." button that opens the native picker where there is one.
import { useId } from 'react'
import { useFerry } from '../store/context'

interface FolderFieldProps {
  label: string
  value: string
  purpose: 'share' | 'download'
  onChange(value: string): void
  disabled?: boolean
  testId: string
}

export function FolderField({ label, value, purpose, onChange, disabled, testId }: FolderFieldProps) {
  const chooseFolder = useFerry((s) => s.chooseFolder)
  const id = useId()
  const choose = async () => {
    const path = await chooseFolder(purpose)
    if (path !== null) onChange(path)
  }
  return (
    <div className="field folder-field">
      <label htmlFor={id}>{label}</label>
      <div className="field-row">
        <input
          id={id}
          value={value}
          disabled={disabled}
          spellCheck={false}
          data-testid={testId}
          onChange={(e) => onChange(e.target.value)}
        />
        <button
          type="button"
          disabled={disabled}
          onClick={() => void choose()}
          data-testid={`${testId}-choose`}
        >
          Choose...
        </button>
      </div>
    </div>
  )
}
