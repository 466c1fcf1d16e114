import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { renderWithStore } from '../../test/render'
import { HostView } from './HostView'

describe('HostView', () => {
  it('starts hosting with the form values when the switch is turned on, then shows addresses', async () => {
    const user = userEvent.setup()
    const { api } = renderWithStore(<HostView />)
    const port = screen.getByLabelText('Port')
    await user.clear(port)
    await user.type(port, '0')
    const root = screen.getByLabelText('Shared folder')
    await user.type(root, '/srv/share')
    await user.click(screen.getByLabelText(/Allow network access/))
    const toggle = screen.getByRole('switch', { name: 'Host a server' })
    expect(toggle).toHaveAttribute('aria-checked', 'false')
    await user.click(toggle)
    expect(api.callsOf('startHost')).toEqual([
      [{ port: 0, root: '/srv/share', bindAll: true, tls: true, readOnly: false }],
    ])
    expect(toggle).toHaveAttribute('aria-checked', 'true')
    expect(screen.getByTestId('host-state')).toHaveTextContent('Hosting /srv/share on port 40123')
    expect(screen.getAllByTestId('host-address').map((el) => (el as HTMLInputElement).value)).toEqual([
      '127.0.0.1:40123',
      '192.168.1.20:40123',
    ])
    expect(screen.getByLabelText('Port')).toBeDisabled()
    await user.click(toggle)
    expect(api.callsOf('stopHost')).toHaveLength(1)
    expect(toggle).toHaveAttribute('aria-checked', 'false')
  })

  it('offers to announce the host on the LAN only with network access, and switches it live', async () => {
    const user = userEvent.setup()
    const { api, store } = renderWithStore(<HostView />)
    store.getState().setHostForm({ hostRoot: '/srv' })
    expect(screen.queryByLabelText(/Announce on the local network/)).toBeNull()
    await user.click(screen.getByLabelText(/Allow network access/))
    const announce = screen.getByLabelText(/Announce on the local network/)
    expect(announce).toBeChecked()
    await user.click(screen.getByRole('switch', { name: 'Host a server' }))
    expect(await screen.findByTestId('host-announce-status')).toHaveTextContent(
      'Nearby Ferry apps list this host.',
    )
    await user.click(announce)
    expect(announce).not.toBeChecked()
    expect(api.callsOf('setHostAnnounce').at(-1)).toEqual([false])
    expect(screen.getByTestId('host-announce-status')).toHaveTextContent('Not announced')
    // Remembered, as a preference, for the next start of the app.
    expect(localStorage.getItem('ferry.ui')).toContain('"lanAnnounce":false')
  })

  it('lists connected clients with the idle timeout each was assigned, and live activity and log', async () => {
    const user = userEvent.setup()
    const { api, store } = renderWithStore(<HostView />)
    store.getState().setHostForm({ hostRoot: '/srv' })
    await user.click(screen.getByRole('switch', { name: 'Host a server' }))
    expect(screen.getByTestId('host-no-clients')).toBeInTheDocument()
    api.host.emit({
      type: 'client-connected',
      client: { id: 'c1', address: '10.1.1.1:5555', connectedAt: Date.now(), idleTimeoutMs: 300_000 },
    })
    api.host.emit({
      type: 'transfer',
      clientId: 'c1',
      direction: 'upload',
      path: 'big.iso',
      state: 'progress',
      bytes: 512,
      total: 1024,
    })
    api.host.emit({ type: 'log', level: 'warn', message: 'client c1 is slow', time: Date.now() })
    const row = await screen.findByTestId('host-client')
    expect(within(row).getByText('10.1.1.1:5555')).toBeInTheDocument()
    expect(within(row).getByText('300 s')).toBeInTheDocument()
    expect(await screen.findByTestId('host-activity-item')).toHaveTextContent('big.iso')
    expect(screen.getByRole('log')).toHaveTextContent('client c1 is slow')
    api.host.emit({ type: 'client-left', clientId: 'c1', reason: 'idle' })
    expect(await screen.findByTestId('host-no-clients')).toBeInTheDocument()
  })

  it('shows a run of small files as one entry that counts them, whatever folder they are in', async () => {
    const user = userEvent.setup()
    const { api, store } = renderWithStore(<HostView />)
    store.getState().setHostForm({ hostRoot: '/srv' })
    await user.click(screen.getByRole('switch', { name: 'Host a server' }))
    const summary = (path: string, settled: number, failed: number, state: 'progress' | 'done') =>
      api.host.emit({
        type: 'transfer',
        clientId: 'c1',
        direction: 'download',
        path,
        state,
        bytes: settled * 4,
        total: settled * 4,
        files: { settled, failed },
      })
    summary('many/part00', 400, 0, 'progress')
    const item = await screen.findByTestId('host-activity-item')
    expect(item).toHaveAttribute('data-kind', 'files')
    expect(item).toHaveTextContent('many/part00/')
    expect(item).toHaveTextContent('400 files, 1.56 KiB · so far')
    summary('many', 10_000, 3, 'done')
    await vi.waitFor(() => expect(item).toHaveTextContent('10,000 files, 39.1 KiB, 3 failed · done'))
    // Still one entry: the summary moved up to the folder both parts are in.
    expect(screen.getAllByTestId('host-activity-item')).toHaveLength(1)
    expect(item).toHaveTextContent('many/')
  })

  it('fills the shared folder from the picker, and shows start errors', async () => {
    const user = userEvent.setup()
    const { api } = renderWithStore(<HostView />)
    api.chosenFolder = '/picked/folder'
    await user.click(screen.getByTestId('host-root-choose'))
    expect(api.callsOf('chooseFolder')).toEqual([['share']])
    expect(screen.getByLabelText('Shared folder')).toHaveValue('/picked/folder')
    api.failNext('startHost', 'PERMISSION_DENIED', 'cannot listen on port 7420')
    await user.click(screen.getByRole('switch', { name: 'Host a server' }))
    expect(screen.getByRole('switch', { name: 'Host a server' })).toHaveAttribute('aria-checked', 'false')
  })
})
