// The Host view's "Let browsers in": off by default, sends web.port when on, shows the web address while hosting.
import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { renderWithStore } from '../../test/render'
import { HostView } from './HostView'

describe('HostView: let browsers in', () => {
  it('is off by default: no web option is sent and no web address shown', async () => {
    const user = userEvent.setup()
    const { api, store } = renderWithStore(<HostView />)
    store.getState().setHostForm({ hostRoot: '/srv', hostPort: '0' })
    expect(screen.getByLabelText(/Let browsers in/)).not.toBeChecked()
    await user.click(screen.getByRole('switch', { name: 'Host a server' }))
    expect(api.callsOf('startHost')[0]?.[0]).not.toHaveProperty('web')
    expect(screen.queryByTestId('host-web-addresses')).toBeNull()
  })

  it('sends the port for browsers and lists the web address', async () => {
    const user = userEvent.setup()
    const { api, store } = renderWithStore(<HostView />)
    store.getState().setHostForm({ hostRoot: '/srv', hostPort: '0' })
    await user.click(screen.getByLabelText(/Let browsers in/))
    const port = screen.getByLabelText('Port for browsers')
    await user.clear(port)
    await user.type(port, '8123')
    await user.click(screen.getByRole('switch', { name: 'Host a server' }))
    expect(api.callsOf('startHost')[0]?.[0]).toMatchObject({ web: { port: 8123 } })
    expect(screen.getByTestId('host-web-address')).toHaveValue('https://127.0.0.1:8123/')
    expect(port).toBeDisabled()
  })

  it('refuses a port for browsers that is not a number', async () => {
    const user = userEvent.setup()
    const { api, store } = renderWithStore(<HostView />)
    store.getState().setHostForm({ hostRoot: '/srv', hostWeb: true, hostWebPort: 'eighty' })
    await user.click(screen.getByRole('switch', { name: 'Host a server' }))
    expect(api.callsOf('startHost')).toHaveLength(0)
    expect(store.getState().notices.at(-1)?.text).toMatch(/port for browsers/)
  })
})
