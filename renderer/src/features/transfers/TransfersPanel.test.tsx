import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { FakeApi } from '../../test/fake-api'
import { connectedStore, renderWithStore } from '../../test/render'
import { TransfersPanel } from './TransfersPanel'

async function setup() {
  const api = new FakeApi()
  api.addEntry('big.iso', 'file', 100 * 1024 * 1024)
  const store = await connectedStore(api)
  const rendered = renderWithStore(<TransfersPanel />, api, store)
  store.getState().setDownloadDir('/tmp/dl')
  store.getState().select('big.iso', 'single')
  await store.getState().downloadSelected()
  const [id] = [...api.transfers.keys()]
  return { ...rendered, id: id! }
}

describe('TransfersPanel', () => {
  it('shows progress, speed and ETA of a running transfer', async () => {
    const { api, id } = await setup()
    const row = await screen.findByTestId('transfer')
    expect(within(row).getByTestId('transfer-state')).toHaveTextContent('Queued')
    api.update(id, { state: 'running', bytes: 25 * 1024 * 1024, rate: 5 * 1024 * 1024 })
    expect(await within(row).findByText('Running')).toBeInTheDocument()
    expect(within(row).getByRole('progressbar', { name: 'Download big.iso progress' })).toHaveAttribute(
      'value',
      '25',
    )
    expect(row).toHaveTextContent('25.0 MiB of 100 MiB (25%)')
    expect(within(row).getByTestId('transfer-rate')).toHaveTextContent('5.00 MiB/s')
    expect(within(row).getByTestId('transfer-eta')).toHaveTextContent('ETA 15 s')
    expect(screen.getByTestId('transfers-summary')).toHaveTextContent('1 active, 0 finished')
  })

  it('cancels a running transfer and retries it, resuming', async () => {
    const user = userEvent.setup()
    const { api, id } = await setup()
    api.update(id, { state: 'running', bytes: 10, rate: 1 })
    await user.click(await screen.findByRole('button', { name: 'Cancel Download big.iso' }))
    expect(api.callsOf('cancelTransfer')).toEqual([[id]])
    const history = screen.getByTestId('transfer-history')
    expect(await within(history).findByText('Cancelled')).toBeInTheDocument()
    expect(within(history).getByTestId('transfer-error')).toHaveTextContent(
      'cancelled by the user (CANCELLED)',
    )
    await user.click(within(history).getByRole('button', { name: 'Retry Download big.iso' }))
    expect(api.callsOf('retryTransfer')).toEqual([[id]])
    expect(await within(screen.getByTestId('transfer-queue')).findByText('Running')).toBeInTheDocument()
  })

  it('shows a failed transfer with code and message, never a stack', async () => {
    const { api, id } = await setup()
    api.update(id, {
      state: 'failed',
      error: { code: 'CHECKSUM_MISMATCH', message: 'SHA-256 of big.iso does not match' },
    })
    const error = await screen.findByTestId('transfer-error')
    expect(error).toHaveTextContent('SHA-256 of big.iso does not match (CHECKSUM_MISMATCH)')
    expect(error.textContent).not.toMatch(/\n\s+at /)
    expect(screen.getByRole('button', { name: 'Retry Download big.iso' })).toBeInTheDocument()
  })

  it('offers to resume a transfer interrupted when Ferry closed', async () => {
    const user = userEvent.setup()
    const { api, id } = await setup()
    api.update(id, {
      state: 'failed',
      bytes: 40 * 1024 * 1024,
      interrupted: true,
      error: { code: 'CANCELLED', message: 'interrupted when Ferry closed at 41.9 MB of 105 MB' },
    })
    const history = screen.getByTestId('transfer-history')
    const row = await within(history).findByTestId('transfer')
    expect(within(row).getByTestId('transfer-state')).toHaveTextContent('Interrupted')
    expect(row).toHaveAttribute('data-interrupted', 'true')
    expect(within(row).getByTestId('transfer-error')).toHaveTextContent('interrupted when Ferry closed')
    expect(within(row).queryByRole('button', { name: 'Retry Download big.iso' })).toBeNull()
    await user.click(within(row).getByRole('button', { name: 'Resume Download big.iso' }))
    expect(api.callsOf('retryTransfer')).toEqual([[id]])
    const running = await within(screen.getByTestId('transfer-queue')).findByTestId('transfer')
    expect(within(running).getByTestId('transfer-state')).toHaveTextContent('Running')
    expect(running).not.toHaveAttribute('data-interrupted')
  })

  it('clears finished transfers in the back end too, keeping active ones', async () => {
    const user = userEvent.setup()
    const { api, id } = await setup()
    await user.click(screen.getByRole('button', { name: 'Clear finished' }))
    // Nothing finished yet: the button is disabled and the back end is not asked.
    expect(api.callsOf('clearFinishedTransfers')).toEqual([])
    api.update(id, { state: 'done', bytes: 100 * 1024 * 1024 })
    expect(await screen.findByText('0 active, 1 finished')).toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Clear finished' }))
    expect(api.callsOf('clearFinishedTransfers')).toEqual([[]])
    expect(await screen.findByText('0 active, 0 finished')).toBeInTheDocument()
    expect(api.transfers.size).toBe(0)
  })
})
