import { act, fireEvent, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { TransferFileInfo, TransferInfo } from '../../../../preload/api'
import { FakeApi } from '../../test/fake-api'
import { connectedStore, renderWithStore } from '../../test/render'
import { TransfersPanel } from './TransfersPanel'

// jsdom does no layout; give scroll containers a viewport so the virtualized lists have a window to fill.
beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(600)
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(340)
})
afterEach(() => vi.restoreAllMocks())

async function setup(
  fill: (api: FakeApi) => void = (api) => api.addEntry('big.iso', 'file', 100 * 1024 * 1024),
) {
  const api = new FakeApi()
  fill(api)
  const store = await connectedStore(api)
  const rendered = renderWithStore(<TransfersPanel />, api, store)
  store.getState().setDownloadDir('/tmp/dl')
  store.getState().select([...api.tree.keys()][0]!, 'single')
  await store.getState().downloadSelected()
  const [id] = [...api.transfers.keys()]
  return { ...rendered, id: id! }
}

const row = (state: TransferInfo['state']) =>
  screen
    .findByTestId('transfer', {}, { timeout: 2000 })
    .then(() => screen.getAllByTestId('transfer').find((r) => r.dataset['state'] === state))

describe('TransfersPanel', () => {
  it('shows progress, speed and ETA of a running transfer', async () => {
    const { api, id } = await setup()
    const queued = await screen.findByTestId('transfer')
    expect(within(queued).getByTestId('transfer-state')).toHaveTextContent('Queued')
    api.update(id, { state: 'running', bytes: 25 * 1024 * 1024, rate: 5 * 1024 * 1024 })
    const running = await screen.findByText('Downloading')
    const r = running.closest('li')!
    expect(within(r).getByRole('progressbar', { name: 'Download big.iso progress' })).toHaveAttribute(
      'value',
      '25',
    )
    expect(r).toHaveTextContent('25.0 MiB of 100 MiB (25%)')
    expect(within(r).getByTestId('transfer-rate')).toHaveTextContent('5.00 MiB/s')
    expect(within(r).getByTestId('transfer-eta')).toHaveTextContent('ETA 15 s')
    expect(screen.getByTestId('transfers-summary')).toHaveTextContent('1 active, 0 finished')
    expect(screen.getByRole('heading', { name: 'Active (1)' })).toBeInTheDocument()
  })

  it('cancels a running transfer and retries it, resuming', async () => {
    const user = userEvent.setup()
    const { api, id } = await setup()
    api.update(id, { state: 'running', bytes: 10, rate: 1 })
    await user.click(await screen.findByRole('button', { name: 'Cancel Download big.iso' }))
    expect(api.callsOf('cancelTransfer')).toEqual([[id]])
    expect(await screen.findByText('Cancelled')).toBeInTheDocument()
    // Cancelled is not finished: it is listed, and counted, apart.
    expect(screen.getByRole('heading', { name: 'Stopped (1)' })).toBeInTheDocument()
    expect(screen.queryByRole('heading', { name: /^Finished/ })).toBeNull()
    expect(screen.getByTestId('transfers-summary')).toHaveTextContent('0 active, 0 finished, 1 stopped')
    expect(screen.getByTestId('transfer-error')).toHaveTextContent(/^cancelled by the user$/)
    await user.click(screen.getByRole('button', { name: 'Retry Download big.iso' }))
    expect(api.callsOf('retryTransfer')).toEqual([[id]])
    expect(await screen.findByText('Downloading')).toBeInTheDocument()
    expect(screen.getByRole('heading', { name: 'Active (1)' })).toBeInTheDocument()
  })

  it('shows a failed transfer with its message and what to do, the code as a tooltip, never a stack', async () => {
    const { api, id } = await setup()
    api.update(id, {
      state: 'failed',
      error: { code: 'CHECKSUM_MISMATCH', message: 'SHA-256 of big.iso does not match' },
    })
    const error = await screen.findByTestId('transfer-error')
    expect(error).toHaveTextContent(
      'SHA-256 of big.iso does not match — the data was damaged or changed on the way: start the transfer again',
    )
    expect(error.getAttribute('title')).toContain('Error code: CHECKSUM_MISMATCH')
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
    const r = (await row('failed'))!
    expect(within(r).getByTestId('transfer-state')).toHaveTextContent('Interrupted')
    expect(r).toHaveAttribute('data-interrupted', 'true')
    expect(within(r).getByTestId('transfer-error')).toHaveTextContent('interrupted when Ferry closed')
    expect(within(r).queryByRole('button', { name: 'Retry Download big.iso' })).toBeNull()
    await user.click(within(r).getByRole('button', { name: 'Resume Download big.iso' }))
    expect(api.callsOf('retryTransfer')).toEqual([[id]])
    const running = (await screen.findByText('Downloading')).closest('li')!
    expect(running).not.toHaveAttribute('data-interrupted')
  })

  it('clears finished transfers in the back end too, keeping active ones', async () => {
    const user = userEvent.setup()
    const { api, id } = await setup()
    await user.click(screen.getByRole('button', { name: 'Clear finished' }))
    // Nothing finished yet: the button is disabled and the back end is not asked.
    expect(api.callsOf('clearFinishedTransfers')).toEqual([])
    const startedAt = api.transfers.get(id)!.startedAt
    api.update(id, { state: 'done', bytes: 100 * 1024 * 1024, finishedAt: startedAt + 20_000 })
    expect(await screen.findByText('0 active, 1 finished')).toBeInTheDocument()
    // A finished row says how long it took and how fast it went on average, in the app's one unit system.
    expect(screen.getByTestId('transfer-summary')).toHaveTextContent('in 20 s · 5.00 MiB/s average')
    await user.click(screen.getByRole('button', { name: 'Clear finished' }))
    expect(api.callsOf('clearFinishedTransfers')).toEqual([[]])
    expect(await screen.findByText('0 active, 0 finished')).toBeInTheDocument()
    expect(api.transfers.size).toBe(0)
  })

  it('keeps only a screenful of rows in the page however long the list', async () => {
    const { api } = await setup()
    for (let i = 0; i < 2000; i++) api.addEntry(`f${i}.bin`, 'file', 10)
    await act(async () => {
      await api.download(
        Array.from({ length: 2000 }, (_, i) => `f${i}.bin`),
        '/tmp/dl',
      )
    })
    expect(await screen.findByText('2001 active, 0 finished')).toBeInTheDocument()
    expect(screen.getAllByTestId('transfer').length).toBeLessThan(20)
  })
})

describe('a folder job', () => {
  function files(failed: number, done: number): TransferFileInfo[] {
    return [
      ...Array.from({ length: failed }, (_, i) => ({
        path: `photos/bad${i}.jpg`,
        size: 10,
        state: 'failed' as const,
        error: { code: 'NOT_FOUND' as const, message: `photos/bad${i}.jpg: no such file` },
      })),
      ...Array.from({ length: done }, (_, i) => ({
        path: `photos/2024/ok${i}.jpg`,
        size: 2048,
        state: 'done' as const,
        error: null,
      })),
    ]
  }

  it('is one row with files done of total, and its files behind an expander, failures first', async () => {
    const user = userEvent.setup()
    const { api, id } = await setup((a) => a.addEntry('photos', 'dir'))
    api.update(id, {
      state: 'running',
      bytes: 50 * 1024 * 1024,
      total: 100 * 1024 * 1024,
      rate: 10 * 1024 * 1024,
      files: { done: 4_000, failed: 2, skipped: 998, total: 10_000 },
    })
    const r = (await row('running'))!
    expect(r).toHaveAttribute('data-kind', 'folder')
    expect(within(r).getByTestId('transfer-files')).toHaveTextContent('4,998 / 10,000 files · 2 failed')
    expect(r).toHaveTextContent('50.0 MiB of 100 MiB (50%)')
    expect(within(r).getByTestId('transfer-eta')).toHaveTextContent('ETA 5 s')

    api.transferFiles.set(id, files(2, 500))
    await user.click(within(r).getByRole('button', { name: 'Show files of Download photos' }))
    const panel = await within(r).findByTestId('transfer-files-panel')
    const first = await within(panel).findByText('bad0.jpg')
    expect(first.closest('li')).toHaveAttribute('data-state', 'failed')
    expect(within(panel).getByText(/^photos\/bad0\.jpg: no such file — /)).toBeInTheDocument()
    expect(within(panel).getByText('2024/ok0.jpg')).toBeInTheDocument()
    // One page asked for, and only a screenful of it in the page.
    expect(api.callsOf('listTransferFiles')).toEqual([[id, 0, 100]])
    expect(within(panel).getAllByTestId('transfer-file').length).toBeLessThan(40)

    // Scrolling far down asks for the page there.
    const scroller = panel.querySelector('.transfer-files-scroll') as HTMLElement
    scroller.scrollTop = 450 * 24
    fireEvent.scroll(scroller)
    expect(await within(panel).findByText('2024/ok450.jpg')).toBeInTheDocument()
    expect(api.callsOf('listTransferFiles')).toContainEqual([id, 400, 100])

    await user.click(within(r).getByRole('button', { name: 'Hide files of Download photos' }))
    expect(within(r).queryByTestId('transfer-files-panel')).toBeNull()
  })

  it('fails as a whole with how many files failed, and retries as a whole', async () => {
    const user = userEvent.setup()
    const { api, id } = await setup((a) => a.addEntry('photos', 'dir'))
    api.update(id, {
      state: 'failed',
      files: { done: 9_988, failed: 12, skipped: 0, total: 10_000 },
      error: { code: 'NOT_FOUND', message: '12 of 10,000 files failed: first NOT_FOUND photos/bad0.jpg' },
    })
    const r = (await row('failed'))!
    expect(within(r).getByTestId('transfer-error')).toHaveTextContent(
      /^12 of 10,000 files failed: first NOT_FOUND photos\/bad0\.jpg — /,
    )
    await user.click(within(r).getByRole('button', { name: 'Retry Download photos' }))
    expect(api.callsOf('retryTransfer')).toEqual([[id]])
  })
})

describe('a browser-mode upload', () => {
  it('shows its files being sent to Ferry, then uploading, and cannot be retried once stopped while sending', async () => {
    const user = userEvent.setup()
    const { api, id } = await setup((a) => a.addEntry('photos', 'dir'))
    api.update(id, {
      direction: 'upload',
      state: 'running',
      phase: 'sending',
      bytes: 30 * 1024 * 1024,
      total: 120 * 1024 * 1024,
      rate: 30 * 1024 * 1024,
      files: { done: 0, failed: 0, skipped: 0, total: 2_500 },
    })
    const r = (await row('running'))!
    expect(r).toHaveAttribute('data-phase', 'sending')
    expect(within(r).getByTestId('transfer-state')).toHaveTextContent('Sending to Ferry')
    expect(within(r).getByTestId('transfer-files')).toHaveTextContent('2,500 files')
    expect(within(r).getByTestId('transfer-bytes')).toHaveTextContent(
      '30.0 MiB of 120 MiB sent to Ferry (25%)',
    )
    expect(within(r).getByRole('progressbar', { name: 'Upload photos progress' })).toHaveAttribute(
      'value',
      '25',
    )
    expect(within(r).getByTestId('transfer-eta')).toHaveTextContent('ETA 3 s')

    // All here: the upload starts from 0.
    api.update(id, { phase: undefined, bytes: 12 * 1024 * 1024, rate: 0 })
    await vi.waitFor(() => expect(within(r).getByTestId('transfer-state')).toHaveTextContent('Uploading'))
    expect(r).not.toHaveAttribute('data-phase')
    expect(within(r).getByTestId('transfer-files')).toHaveTextContent('0 / 2,500 files')

    // Cancelled while sending: Cancel was there, Retry is not (nothing of it is on Ferry's side).
    api.update(id, { phase: 'sending', state: 'running', bytes: 0 })
    await user.click(await within(r).findByRole('button', { name: 'Cancel Upload photos' }))
    const cancelled = (await row('cancelled'))!
    expect(within(cancelled).getByTestId('transfer-state')).toHaveTextContent('Cancelled')
    expect(within(cancelled).queryByTestId('transfer-retry')).toBeNull()
  })
})
