import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { createFerryStore, PERSIST_KEY } from '../../store'
import { initStore } from '../../store/bind-api'
import { FakeApi } from '../../test/fake-api'
import { renderWithStore } from '../../test/render'
import { HostView } from './HostView'

const SAVED = {
  port: 7000,
  root: '/srv/shared',
  bindAll: true,
  tls: false,
  readOnly: true,
  token: 'abcde-fghij-kmnpq-rstuv',
}

describe('remembered host settings', () => {
  it('restores the last hosting form, token included, and hosts with the same token', async () => {
    const user = userEvent.setup()
    const api = new FakeApi()
    api.hostSettings = SAVED
    const store = createFerryStore(api)
    const unbind = initStore(store, api)
    renderWithStore(<HostView />, api, store)
    await waitFor(() => expect(screen.getByLabelText('Port')).toHaveValue('7000'))
    // The default share folder from app info does not replace the restored one, whichever answer came first.
    await waitFor(() => expect(store.getState().appInfo).not.toBeNull())
    expect(screen.getByTestId('host-root')).toHaveValue('/srv/shared')
    expect(screen.getByLabelText(/Allow network access/)).toBeChecked()
    expect(screen.getByLabelText(/Encrypt with TLS/)).not.toBeChecked()
    expect(screen.getByLabelText(/Read-only/)).toBeChecked()
    expect(screen.getByLabelText('Require access token')).toBeChecked()
    expect(screen.getByLabelText('Access token, PIN or password')).toHaveValue(SAVED.token)

    await user.click(screen.getByRole('switch', { name: 'Host a server' }))
    expect(api.callsOf('startHost')).toEqual([
      [{ port: 7000, root: '/srv/shared', bindAll: true, tls: false, readOnly: true, token: SAVED.token }],
    ])
    // The page itself keeps no host settings (and never the token): the back end's file is the one source.
    expect(localStorage.getItem(PERSIST_KEY) ?? '').not.toMatch(/host|abcde/)
    unbind()
  })

  it('keeps the defaults when nothing was saved, or reading failed', async () => {
    const api = new FakeApi()
    const { store } = renderWithStore(<HostView />, api)
    await store.getState().loadHostSettings()
    expect(screen.getByLabelText('Port')).toHaveValue('7420')
    expect(screen.getByLabelText('Require access token')).not.toBeChecked()
    api.failNext('getHostSettings', 'INTERNAL', 'disk on fire')
    await store.getState().loadHostSettings()
    expect(screen.getByLabelText('Port')).toHaveValue('7420')
    expect(store.getState().notices.at(-1)?.text).toBe(
      'Could not read the saved host settings: disk on fire (error code INTERNAL)',
    )
  })

  it('restores a token-less start without asking for a token', async () => {
    const api = new FakeApi()
    const { token: _token, ...noToken } = SAVED
    api.hostSettings = noToken
    const { store } = renderWithStore(<HostView />, api)
    await store.getState().loadHostSettings()
    expect(screen.getByLabelText('Require access token')).not.toBeChecked()
    expect(store.getState().hostToken).toBe('')
  })
})
