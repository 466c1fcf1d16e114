import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { FAKE_FINGERPRINT } from '../../test/fake-api'
import { renderWithStore } from '../../test/render'
import { ConnectView } from './ConnectView'

const OTHER = 'F0:'.repeat(31) + 'F0'

describe('Trusted servers', () => {
  it('lists pinned servers with their grouped fingerprint and when they were pinned', async () => {
    const { api, store } = renderWithStore(<ConnectView />)
    expect(screen.getByTestId('trusted-servers')).toHaveTextContent('None yet')
    api.pin('nas.local', 7420, OTHER, new Date(2026, 0, 2, 3, 4).getTime())
    api.pin('::1', 9000, FAKE_FINGERPRINT)
    await store.getState().loadTrustedServers()
    const items = screen.getAllByTestId('trusted-server')
    expect(items.map((i) => i.querySelector('strong')?.textContent)).toEqual(['[::1]:9000', 'nas.local:7420'])
    expect(within(items[1]!).getByLabelText('Fingerprint of nas.local:7420').textContent).toBe(
      'F0F0 F0F0 F0F0 F0F0\n'.repeat(4).trimEnd(),
    )
    expect(items[1]).toHaveTextContent(/pinned .*2026/)
  })

  it('shows a server once a TLS connection pinned it', async () => {
    const user = userEvent.setup()
    renderWithStore(<ConnectView />)
    await user.click(screen.getByRole('button', { name: 'Connect' }))
    expect(await screen.findByTestId('trusted-server')).toHaveTextContent('127.0.0.1:7420')
  })

  it('forgets a server only after confirmation', async () => {
    const user = userEvent.setup()
    const { api, store } = renderWithStore(<ConnectView />)
    api.pin('nas.local', 7420, OTHER)
    await store.getState().loadTrustedServers()
    await user.click(screen.getByRole('button', { name: 'Forget the certificate of nas.local:7420' }))
    const dialog = screen.getByRole('dialog', { name: 'Forget nas.local:7420?' })
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus()
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(api.callsOf('forgetTrustedServer')).toEqual([])
    expect(screen.getAllByTestId('trusted-server')).toHaveLength(1)

    await user.click(screen.getByRole('button', { name: 'Forget the certificate of nas.local:7420' }))
    await user.click(screen.getByRole('button', { name: 'Forget' }))
    expect(api.callsOf('forgetTrustedServer')).toEqual([['nas.local', 7420]])
    expect(await screen.findByText(/None yet/)).toBeInTheDocument()
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('reports a failure to forget and keeps the entry', async () => {
    const user = userEvent.setup()
    const { api, store } = renderWithStore(<ConnectView />)
    api.pin('nas.local', 7420, OTHER)
    await store.getState().loadTrustedServers()
    api.failNext('forgetTrustedServer', 'PERMISSION_DENIED', 'read-only data folder')
    await user.click(screen.getByRole('button', { name: 'Forget the certificate of nas.local:7420' }))
    await user.click(screen.getByRole('button', { name: 'Forget' }))
    expect(store.getState().notices.at(-1)?.text).toBe(
      "Could not forget the server: read-only data folder — check the folder's permissions",
    )
    expect(screen.getAllByTestId('trusted-server')).toHaveLength(1)
  })
})
