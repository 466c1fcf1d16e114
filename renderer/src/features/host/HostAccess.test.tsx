import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { qrPath } from '../../components/QrCode'
import { generateAccessToken } from '../../lib/access-token'
import { FAKE_FINGERPRINT } from '../../test/fake-api'
import { renderWithStore } from '../../test/render'
import { HostView } from './HostView'

describe('HostView access settings', () => {
  it('hosts with a generated token, TLS and read-only, then shows the fingerprint and a QR code', async () => {
    const user = userEvent.setup()
    const { api, store } = renderWithStore(<HostView />)
    store.getState().setHostForm({ hostRoot: '/srv', hostPort: '0' })
    expect(screen.getByLabelText(/Encrypt with TLS/)).toBeChecked()
    await user.click(screen.getByLabelText('Require access token'))
    const token = screen.getByLabelText('Access token, PIN or password')
    const generated = (token as HTMLInputElement).value
    expect(generated).toMatch(/^([2-9a-km-np-z]{5}-){3}[2-9a-km-np-z]{5}$/)
    await user.click(screen.getByTestId('host-token-generate'))
    expect((token as HTMLInputElement).value).not.toBe(generated)
    await user.click(screen.getByLabelText(/Read-only/))
    await user.click(screen.getByRole('switch', { name: 'Host a server' }))

    const sent = (token as HTMLInputElement).value
    expect(api.callsOf('startHost')).toEqual([
      [{ port: 0, root: '/srv', bindAll: false, tls: true, readOnly: true, token: sent }],
    ])
    expect(token).toBeDisabled()
    expect(screen.getByTestId('host-security-summary')).toHaveTextContent(
      'Encrypted with TLS · access token required · read-only',
    )
    const hex = FAKE_FINGERPRINT.replace(/:/g, '')
    expect(screen.getByTestId('host-fingerprint').textContent).toBe(
      [0, 16, 32, 48].map((i) => hex.slice(i, i + 16).replace(/(.{4})(?!$)/g, '$1 ')).join('\n'),
    )
    const link = `ferry://127.0.0.1:40123?fp=${hex.toLowerCase()}`
    expect(screen.getByTestId('host-pairing-link')).toHaveTextContent(link)
    const qr = screen.getByRole('img', { name: `QR code of ${link}` })
    expect(qr.querySelector('path')?.getAttribute('d')).toBe(qrPath(link).path)
    await user.click(screen.getByRole('button', { name: 'Copy link' }))
    expect(await navigator.clipboard.readText()).toBe(link)
    expect(screen.getByRole('button', { name: 'Copied the link' })).toBeInTheDocument()
  })

  it('hosts in plaintext when TLS is off, warns on the network, and wants a token when asked for one', async () => {
    const user = userEvent.setup()
    const { api, store } = renderWithStore(<HostView />)
    store.getState().setHostForm({ hostRoot: '/srv', hostBindAll: true })
    await user.click(screen.getByLabelText(/Encrypt with TLS/))
    await user.click(screen.getByLabelText('Require access token'))
    await user.clear(screen.getByLabelText('Access token, PIN or password'))
    await user.click(screen.getByRole('switch', { name: 'Host a server' }))
    expect(api.callsOf('startHost')).toHaveLength(0)
    expect(store.getState().notices.at(-1)?.text).toMatch(/Enter an access token/)

    await user.type(screen.getByLabelText('Access token, PIN or password'), ' 4711 ')
    await user.click(screen.getByRole('switch', { name: 'Host a server' }))
    expect(api.callsOf('startHost')).toEqual([
      [{ port: 7420, root: '/srv', bindAll: true, tls: false, readOnly: false, token: '4711' }],
    ])
    expect(screen.getByTestId('host-security-summary')).toHaveTextContent('Not encrypted')
    expect(screen.getByTestId('host-plaintext-warning')).toHaveTextContent('and the access token')
    expect(screen.queryByTestId('host-qr')).toBeNull()
    expect(screen.queryByTestId('host-fingerprint')).toBeNull()
  })
})

describe('QR code and tokens', () => {
  it('draws one unit square per dark module inside a quiet zone', () => {
    const { path, modules } = qrPath('ferry://192.168.1.20:7420?fp=' + 'ab'.repeat(32))
    expect(modules).toBeGreaterThanOrEqual(21)
    const squares = path.match(/M(\d+) (\d+)h1v1h-1z/g) ?? []
    expect(squares.length).toBeGreaterThan(modules)
    const coords = squares.map((sq) => sq.slice(1).split(/[ h]/).slice(0, 2).map(Number))
    expect(coords.every(([x, y]) => x! >= 4 && y! >= 4 && x! < modules + 4 && y! < modules + 4)).toBe(true)
    // A finder pattern's corner is always dark.
    expect(path).toContain('M4 4h1v1h-1z')
  })

  it('generates tokens uniformly from the alphabet, in groups of five', () => {
    let n = 0
    const counting = (count: number) => Uint8Array.from({ length: count }, () => n++ % 256)
    expect(generateAccessToken(counting)).toBe('23456-789ab-cdefg-hijkm')
    expect(generateAccessToken()).not.toBe(generateAccessToken())
  })
})
