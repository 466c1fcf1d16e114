import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { CheckboxField } from './CheckboxField'

describe('CheckboxField', () => {
  it('labels its checkbox and reports the new state when clicked', async () => {
    const onChange = vi.fn()
    render(
      <CheckboxField checked={false} onChange={onChange} testId="box">
        Use TLS
      </CheckboxField>,
    )
    const box = screen.getByLabelText('Use TLS')
    expect(box).toBe(screen.getByTestId('box'))
    expect(box).not.toBeChecked()
    await userEvent.click(screen.getByText('Use TLS'))
    expect(onChange).toHaveBeenCalledWith(true)
  })

  it('reports nothing while disabled', async () => {
    const onChange = vi.fn()
    render(
      <CheckboxField checked disabled onChange={onChange} testId="box">
        Read-only
      </CheckboxField>,
    )
    expect(screen.getByTestId('box')).toBeChecked()
    expect(screen.getByTestId('box')).toBeDisabled()
    await userEvent.click(screen.getByTestId('box'))
    expect(onChange).not.toHaveBeenCalled()
  })
})
