import { act, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it } from 'vitest'
import { renderWithStore, type Rendered } from '../test/render'
import { Notices } from './Notices'

let rendered: Rendered | null = null
afterEach(() => {
  rendered?.unbind()
  rendered = null
})

describe('Notices', () => {
  it('announces errors as alerts and confirmations as status, each dismissable', async () => {
    rendered = renderWithStore(<Notices />)
    const { store } = rendered
    act(() => {
      store.getState().notify('error', 'Disk full')
      store.getState().notify('info', 'Saved')
    })
    const error = within(screen.getByRole('alert')).getByTestId('notice-error')
    expect(error).toHaveTextContent('Disk full')
    expect(error).toHaveClass('notice', 'notice-error')
    const info = within(screen.getByRole('status')).getByTestId('notice-info')
    expect(info).toHaveTextContent('Saved')
    expect(info).toHaveClass('notice', 'notice-info')
    await userEvent.click(within(error).getByRole('button', { name: 'Dismiss' }))
    expect(screen.queryByTestId('notice-error')).toBeNull()
    expect(screen.getByTestId('notice-info')).toBeInTheDocument()
    expect(store.getState().notices.map((n) => n.text)).toEqual(['Saved'])
  })
})
