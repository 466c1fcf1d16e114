import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { initStore } from '../../store/bind-api'
import { createFerryStore } from '../../store'
import { FakeApi, FAKE_FINGERPRINT } from '../../test/fake-api'
import { renderWithStore } from '../../test/render'
import { ConnectView } from './ConnectView'

const HEX = FAKE_FINGERPRINT.replace(/:/g, '').toLowerCase()
const OTHER = 'F0:'.repeat(31) + 'F0'
const FIRST_LINE = FAKE_FINGERPRINT.replace(/:/g, '')
  .slice(0, 16)
  .replace(/(.{4})(?!$)/g, '$1 ')

describe('ConnectView pairing links', () => {
  it('fills the form from a pasted link, shows the required certificate and connects pinned to it', async () => {
    const user = userEvent.setup()
    const { api, store } = renderWithStore(<ConnectView />)
    await user.type(screen.getByLabelText('Access token'), 'old-token')
    await user.type(screen.getByLabelText('Paste a ferry:// link'), `ferry://192.168.1.20:7421?fp=${HEX}`)
    await user.click(screen.getByRole('button', { name: 'Use link' }))

    expect(api.callsOf('parsePairingLink')).toEqual([[`ferry://192.168.1.20:7421?fp=${HEX}`]])
    expect(screen.getByLabelText('Paste a ferry:// link')).toHaveValue('')
    expect(screen.getByLabelText('Host')).toHaveValue('192.168.1.20')
    expect(screen.getByLabelText('Port')).toHaveValue('7421')
    expect(screen.getByLabelText('Access token')).toHaveValue('')
    expect(screen.getByLabelText(/Use TLS/)).toBeChecked()
    expect(screen.getByLabelText(/Use TLS/)).toHaveAccessibleName(/only the certificate below/)
    expect(screen.getByTestId('connect-fingerprint').textContent?.split('\n')[0]).toBe(FIRST_LINE)

    await user.click(screen.getByRole('button', { name: 'Connect' }))
    expect(api.callsOf('connect')).toEqual([
      [{ host: '192.168.1.20', port: 7421, tls: true, fingerprint: FAKE_FINGERPRINT }],
    ])
    expect(store.getState().connection.state).toBe('connected')
  })

  it("takes a link's token, and drops the pinned certificate when the server or TLS changes", async () => {
    const user = userEvent.setup()
    const { api, store } = renderWithStore(<ConnectView />)
    expect(await store.getState().pastePairingLink(`ferry://[::1]:7420?fp=${HEX}&token=s%20cret`)).toBe(true)
    expect(screen.getByLabelText('Host')).toHaveValue('::1')
    expect(screen.getByLabelText('Access token')).toHaveValue('s cret')
    await user.click(screen.getByRole('button', { name: "Don't require it" }))
    expect(screen.queryByTestId('connect-pinned')).toBeNull()

    await store.getState().pastePairingLink(`ferry://nas.local:7420?fp=${HEX}`)
    await user.type(screen.getByLabelText('Host'), 'x')
    expect(screen.queryByTestId('connect-pinned')).toBeNull()
    await store.getState().pastePairingLink(`ferry://nas.local:7420?fp=${HEX}`)
    await user.click(screen.getByLabelText(/Use TLS/))
    expect(screen.queryByTestId('connect-pinned')).toBeNull()
    await store.getState().pastePairingLink(`ferry://nas.local:7420?fp=${HEX}`)
    // A recent server is another server: it never gets the link's certificate.
    await store.getState().connect({ host: 'other.local', port: 7420, tls: true })
    expect(api.callsOf('connect').at(-1)).toEqual([{ host: 'other.local', port: 7420, tls: true }])
  })

  it('uses a link pasted into the Host field as a link', async () => {
    const user = userEvent.setup()
    renderWithStore(<ConnectView />)
    await user.clear(screen.getByLabelText('Host'))
    await user.click(screen.getByLabelText('Host'))
    await user.paste(`ferry://nas.local:7000?fp=${HEX}`)
    expect(await screen.findByTestId('connect-pinned')).toBeInTheDocument()
    expect(screen.getByLabelText('Host')).toHaveValue('nas.local')
    expect(screen.getByLabelText('Port')).toHaveValue('7000')
  })

  it('says what is wrong with a bad link and leaves the form alone', async () => {
    const user = userEvent.setup()
    const { store } = renderWithStore(<ConnectView />)
    await user.type(screen.getByLabelText('Paste a ferry:// link'), 'ferry://nas.local:7420?fp=123')
    await user.click(screen.getByRole('button', { name: 'Use link' }))
    expect(store.getState().notices.at(-1)?.text).toMatch(/^Could not use the link: .*64 hex/)
    expect(screen.getByLabelText('Host')).toHaveValue('127.0.0.1')
    expect(screen.getByLabelText('Paste a ferry:// link')).toHaveValue('ferry://nas.local:7420?fp=123')
    expect(screen.queryByTestId('connect-pinned')).toBeNull()
  })

  it('refuses a server that does not match the link, without offering to trust it', async () => {
    const user = userEvent.setup()
    const { api } = renderWithStore(<ConnectView />)
    await user.type(
      screen.getByLabelText('Paste a ferry:// link'),
      `ferry://nas.local:7420?fp=${OTHER.replace(/:/g, '')}`,
    )
    await user.click(screen.getByRole('button', { name: 'Use link' }))
    await user.click(screen.getByRole('button', { name: 'Connect' }))
    const dialog = screen.getByRole('dialog', { name: 'This is not the server of the link' })
    expect(within(dialog).getByTestId('mismatch-expected').textContent).toBe(
      'F0F0 F0F0 F0F0 F0F0\n'.repeat(4).trimEnd(),
    )
    expect(within(dialog).queryByRole('button', { name: /Trust/ })).toBeNull()
    await user.click(within(dialog).getByRole('button', { name: 'Close' }))
    expect(api.callsOf('trustFingerprint')).toEqual([])
    expect(api.trusted).toEqual([])
  })
})

describe('links from the operating system', () => {
  it('fills the form from the launch link and from later ones, switching to Connect, without connecting', async () => {
    const api = new FakeApi()
    api.launchLink = { host: 'nas.local', port: 7420, tls: true, fingerprint: FAKE_FINGERPRINT }
    const store = createFerryStore(api)
    store.getState().setView('browse')
    const unbind = initStore(store, api)
    await waitFor(() => expect(store.getState().connectHost).toBe('nas.local'))
    expect(store.getState()).toMatchObject({ view: 'connect', connectFingerprint: FAKE_FINGERPRINT })
    expect(store.getState().notices.at(-1)?.text).toBe(
      'Opened a link to nas.local:7420: check it, then Connect.',
    )

    api.pairing.emit({ type: 'link', link: { host: '::1', port: 9, tls: true, fingerprint: OTHER } })
    expect(store.getState()).toMatchObject({
      connectHost: '::1',
      connectPort: '9',
      connectFingerprint: OTHER,
    })
    expect(store.getState().notices.at(-1)?.text).toContain('[::1]:9')
    api.pairing.emit({ type: 'invalid', error: { code: 'INVALID_ARGUMENT', message: 'bad port' } })
    expect(store.getState().notices.at(-1)?.text).toBe('Ferry was opened with a link it cannot use: bad port')
    expect(api.callsOf('connect')).toEqual([])
    unbind()
  })
})
