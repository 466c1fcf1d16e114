import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import type { NearbyHost } from '../../../../preload/api'
import { FakeApi, FAKE_FINGERPRINT } from '../../test/fake-api'
import { renderWithStore } from '../../test/render'
import { ConnectView } from './ConnectView'

const BOX: NearbyHost = {
  id: 'box (7421)@192.168.1.20',
  name: 'Box',
  host: '192.168.1.20',
  port: 7421,
  protocol: 1,
  tls: true,
  fingerprint: FAKE_FINGERPRINT,
  tokenRequired: true,
}

describe('Nearby hosts in the Connect view', () => {
  it('lists hosts live, and picking one fills the form with the announced certificate to require', async () => {
    const user = userEvent.setup()
    const api = new FakeApi()
    api.nearbyHosts = [BOX]
    const { unmount } = renderWithStore(<ConnectView />, api)
    const box = await screen.findByRole('button', { name: 'Use Box at 192.168.1.20:7421' })
    api.nearby.emit({
      type: 'add',
      host: { ...BOX, id: 'nas', name: 'NAS', host: '10.0.0.7', tls: false, fingerprint: null },
    })
    await screen.findByRole('button', { name: 'Use NAS at 10.0.0.7:7421' })
    api.nearby.emit({ type: 'remove', id: 'nas' })
    await waitFor(() => expect(screen.queryByRole('button', { name: /NAS/ })).toBeNull())

    await user.click(box)
    expect(screen.getByLabelText('Host')).toHaveValue('192.168.1.20')
    expect(screen.getByLabelText('Port')).toHaveValue('7421')
    expect(screen.getByLabelText(/Use TLS/)).toBeChecked()
    expect(screen.getByTestId('connect-pinned')).toHaveTextContent('as announced on the network')
    await user.click(screen.getByRole('button', { name: 'Connect' }))
    // The announced fingerprint goes to the back end as the one to require, like a pairing link's.
    expect(api.callsOf('connect')).toEqual([
      [{ host: '192.168.1.20', port: 7421, tls: true, fingerprint: FAKE_FINGERPRINT }],
    ])
    unmount()
    expect(api.callsOf('stopBrowsingNearby')).toHaveLength(1)
  })
})
