import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { PERSIST_KEY } from '../../store'
import { FAKE_FINGERPRINT } from '../../test/fake-api'
import { renderWithStore } from '../../test/render'
import { ConnectView } from './ConnectView'

const OTHER = 'F0:'.repeat(31) + 'F0'

describe('ConnectView access token and TLS', () => {
  it('sends the token and TLS, shows the fingerprint, and remembers TLS but never the token', async () => {
    const user = userEvent.setup()
    const { api, store } = renderWithStore(<ConnectView />)
    const token = screen.getByLabelText('Access token')
    expect(token).toHaveAttribute('type', 'password')
    await user.type(token, ' s3cret ')
    expect(screen.getByLabelText(/Use TLS/)).toBeChecked()
    await user.click(screen.getByRole('button', { name: 'Connect' }))
    expect(api.callsOf('connect')).toEqual([[{ host: '127.0.0.1', port: 7420, tls: true, token: 's3cret' }]])
    expect(screen.getByTestId('connection-security')).toHaveTextContent(
      `Encrypted, fingerprint ${FAKE_FINGERPRINT.slice(0, 11)}…`,
    )
    const hex = FAKE_FINGERPRINT.replace(/:/g, '')
    expect(screen.getByTestId('connection-fingerprint').textContent?.split('\n')[0]).toBe(
      `${hex.slice(0, 4)} ${hex.slice(4, 8)} ${hex.slice(8, 12)} ${hex.slice(12, 16)}`,
    )
    expect(store.getState().recentServers[0]).toMatchObject({ host: '127.0.0.1', port: 7420, tls: true })
    const saved = localStorage.getItem(PERSIST_KEY) ?? ''
    expect(saved).toContain('"tls":true')
    expect(saved).not.toContain('s3cret')

    // A recent server is reached with its remembered TLS setting; the form's token only goes to the form's server.
    await store.getState().connect({ host: 'plain.local', port: 7000 })
    expect(screen.getByTestId('connection-security')).toHaveTextContent('Not encrypted')
    const item = screen.getAllByTestId('recent-server')[1]!
    await user.click(within(item).getByRole('button', { name: /^fake-server — 127\.0\.0\.1:7420/ }))
    expect(api.callsOf('connect').at(-1)).toEqual([{ host: '127.0.0.1', port: 7420, tls: true }])
    await user.type(screen.getByLabelText('Access token'), 'x')
    await user.click(screen.getByRole('button', { name: /^fake-server — plain\.local:7000/ }))
    expect(api.callsOf('connect').at(-1)).toEqual([{ host: 'plain.local', port: 7000 }])
  })

  it('warns with both fingerprints on a changed certificate; trusting it pins the new one and reconnects', async () => {
    const user = userEvent.setup()
    const { api, store } = renderWithStore(<ConnectView />)
    store.getState().setConnectForm({ connectHost: 'nas.local', connectToken: 'tok' })
    api.failNext(
      'connect',
      'FINGERPRINT_MISMATCH',
      'WARNING: nas.local:7420 presented a different certificate',
      {
        server: 'nas.local:7420',
        expected: OTHER,
        presented: FAKE_FINGERPRINT,
      },
    )
    await user.click(screen.getByRole('button', { name: 'Connect' }))
    const dialog = screen.getByRole('dialog', { name: "The server's certificate has changed" })
    expect(within(dialog).getByTestId('mismatch-expected').textContent).toBe(
      'F0F0 F0F0 F0F0 F0F0\n'.repeat(4).trimEnd(),
    )
    expect(within(dialog).getByTestId('mismatch-presented').textContent?.replace(/\s/g, '')).toBe(
      FAKE_FINGERPRINT.replace(/:/g, ''),
    )
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus()
    expect(store.getState().connection.state).toBe('error')

    await user.click(within(dialog).getByRole('button', { name: 'Trust the new certificate' }))
    expect(api.callsOf('trustFingerprint')).toEqual([['nas.local', 7420, FAKE_FINGERPRINT]])
    expect(api.callsOf('connect').at(-1)).toEqual([
      { host: 'nas.local', port: 7420, tls: true, token: 'tok' },
    ])
    expect(store.getState().connection.state).toBe('connected')
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('leaves the pin alone when the user cancels the warning', async () => {
    const user = userEvent.setup()
    const { api } = renderWithStore(<ConnectView />)
    api.failNext('connect', 'FINGERPRINT_MISMATCH', 'changed', {
      server: '127.0.0.1:7420',
      expected: OTHER,
      presented: FAKE_FINGERPRINT,
    })
    await user.click(screen.getByRole('button', { name: 'Connect' }))
    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(api.callsOf('trustFingerprint')).toEqual([])
    expect(api.callsOf('connect')).toHaveLength(1)
    expect(screen.getByTestId('connection-state')).toHaveTextContent(
      'Connection failed: changed — compare the certificate fingerprint with the host before trusting it',
    )
    expect(screen.getByTestId('connection-state')).toHaveAttribute(
      'title',
      'Error code: FINGERPRINT_MISMATCH',
    )
  })
})
