import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { Notices } from '../../components/Notices'
import { renderWithStore } from '../../test/render'
import { ConnectView } from './ConnectView'

describe('ConnectView', () => {
  it('connects with the form values and shows the idle timeout the server assigned', async () => {
    const user = userEvent.setup()
    const { api, store } = renderWithStore(<ConnectView />)
    const host = screen.getByLabelText('Host')
    await user.clear(host)
    await user.type(host, 'nas.local')
    const port = screen.getByLabelText('Port')
    await user.clear(port)
    await user.type(port, '7500{Enter}')
    expect(api.callsOf('connect')).toEqual([[{ host: 'nas.local', port: 7500, tls: true }]])
    expect(screen.getByTestId('connection-state')).toHaveTextContent(
      'Connected to fake-server at nas.local:7500',
    )
    expect(screen.getByTestId('connection-timeout')).toHaveTextContent(
      'idle timeout 300 s, assigned by the server',
    )
    expect(store.getState().view).toBe('browse')
  })

  it('remembers recent servers and reconnects from the list', async () => {
    const user = userEvent.setup()
    const { api, store } = renderWithStore(<ConnectView />)
    await store.getState().connect({ host: 'one.local', port: 7420 })
    await store.getState().connect({ host: 'two.local', port: 7421 })
    const items = await screen.findAllByTestId('recent-server')
    expect(items.map((i) => i.textContent)).toEqual([
      expect.stringContaining('two.local:7421'),
      expect.stringContaining('one.local:7420'),
    ])
    await user.click(screen.getByRole('button', { name: /^fake-server — one\.local:7420/ }))
    expect(api.callsOf('connect').at(-1)).toEqual([{ host: 'one.local', port: 7420 }])
    await user.click(screen.getByRole('button', { name: 'Forget two.local:7421' }))
    expect(screen.getAllByTestId('recent-server')).toHaveLength(1)
  })

  it('says what failed and what to do, and checks host and port inline, clearing the old error', async () => {
    const user = userEvent.setup()
    const { api } = renderWithStore(
      <>
        <ConnectView />
        <Notices />
      </>,
    )
    api.failNext('connect', 'CONNECTION_FAILED', 'connect ECONNREFUSED 127.0.0.1:7420')
    await user.click(screen.getByRole('button', { name: 'Connect' }))
    expect(screen.getByTestId('connection-state')).toHaveTextContent(
      'Connection failed: connect ECONNREFUSED 127.0.0.1:7420 — check that the server is running and that the host and port are right',
    )
    expect(screen.getByTestId('connection-state')).toHaveAttribute('title', 'Error code: CONNECTION_FAILED')
    const port = screen.getByLabelText('Port')
    await user.clear(port)
    await user.type(port, '99999')
    await user.click(screen.getByRole('button', { name: 'Connect' }))
    expect(screen.getByTestId('connect-port-error')).toHaveTextContent(
      'Port must be a number from 1 to 65535.',
    )
    expect(port).toHaveAttribute('aria-invalid', 'true')
    expect(screen.getByTestId('connection-state')).toHaveTextContent('Not connected')
    expect(screen.queryByTestId('notice-error')).toBeNull()
    const host = screen.getByLabelText('Host')
    await user.clear(host)
    await user.click(screen.getByRole('button', { name: 'Connect' }))
    expect(screen.getByTestId('connect-host-error')).toHaveTextContent('Enter the host name or address')
    expect(api.callsOf('connect')).toHaveLength(1)
    // Editing a field clears its error.
    await user.clear(port)
    await user.type(port, '7420')
    expect(screen.getByTestId('connect-port-error')).toHaveTextContent('')
    expect(port).toHaveAttribute('aria-invalid', 'false')
  })

  it("shows the back end's complaint about a field next to that field", async () => {
    const user = userEvent.setup()
    const { api } = renderWithStore(<ConnectView />)
    api.failNext('connect', 'INVALID_ARGUMENT', 'host: not a host name or IP address')
    await user.click(screen.getByRole('button', { name: 'Connect' }))
    expect(screen.getByTestId('connect-host-error')).toHaveTextContent('Not a host name or IP address.')
    expect(screen.getByTestId('connection-state')).toHaveTextContent('Not connected')
  })
})
