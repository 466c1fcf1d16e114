import { fireEvent, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FakeApi } from '../../test/fake-api'
import { connectedStore, renderWithStore } from '../../test/render'
import { BrowseView } from './BrowseView'

// jsdom does no layout; give scroll containers a viewport so the virtualizer has a window to fill.
beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(600)
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(800)
})
afterEach(() => vi.restoreAllMocks())

function names(): string[] {
  return screen.getAllByTestId('file-row').map((r) => r.getAttribute('data-path') ?? '')
}

async function setup(fill: (api: FakeApi) => void) {
  const api = new FakeApi()
  fill(api)
  const store = await connectedStore(api)
  return renderWithStore(<BrowseView />, api, store)
}

describe('BrowseView', () => {
  it('sorts by clicking column headers and reports it with aria-sort', async () => {
    const user = userEvent.setup()
    await setup((api) => {
      api.addEntry('b.txt', 'file', 30, 3)
      api.addEntry('a.txt', 'file', 20, 1)
      api.addEntry('c.txt', 'file', 10, 2)
    })
    expect(names()).toEqual(['a.txt', 'b.txt', 'c.txt'])
    expect(screen.getByTestId('sort-name')).toHaveAttribute('aria-sort', 'ascending')
    await user.click(within(screen.getByTestId('sort-size')).getByRole('button'))
    expect(screen.getByTestId('sort-size')).toHaveAttribute('aria-sort', 'ascending')
    expect(screen.getByTestId('sort-name')).toHaveAttribute('aria-sort', 'none')
    expect(names()).toEqual(['c.txt', 'a.txt', 'b.txt'])
    await user.click(within(screen.getByTestId('sort-date')).getByRole('button'))
    await user.click(within(screen.getByTestId('sort-date')).getByRole('button'))
    expect(screen.getByTestId('sort-date')).toHaveAttribute('aria-sort', 'descending')
    expect(names()).toEqual(['b.txt', 'c.txt', 'a.txt'])
  })

  it('opens folders by double click and Enter, and goes back with breadcrumbs', async () => {
    const user = userEvent.setup()
    const { api } = await setup((api) => {
      api.addEntry('docs', 'dir')
      api.addEntry('docs/2024', 'dir')
      api.addEntry('docs/2024/report.pdf', 'file', 100)
    })
    await user.dblClick(screen.getByText('docs'))
    expect(await screen.findByText('2024')).toBeInTheDocument()
    expect(screen.getByTestId('crumb-current')).toHaveTextContent('docs')
    screen.getByTestId('file-list').focus()
    await user.keyboard('{Enter}')
    expect(await screen.findByText('report.pdf')).toBeInTheDocument()
    const nav = screen.getByRole('navigation', { name: 'Folder path' })
    expect(
      within(nav)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Share', 'docs', '2024'])
    await user.click(within(nav).getByRole('button', { name: 'Share' }))
    expect(await screen.findByText('docs')).toBeInTheDocument()
    expect(api.callsOf('listRemote').map((a) => a[0])).toEqual(['', 'docs', 'docs/2024', ''])
  })

  it('selects with click, ctrl-click and shift-click, and by keyboard', async () => {
    const user = userEvent.setup()
    await setup((api) => ['a', 'b', 'c', 'd', 'e'].forEach((n) => api.addEntry(`${n}.txt`, 'file')))
    const row = (name: string) => screen.getByText(name).closest('[role="row"]')!
    const selected = () =>
      screen.getAllByRole('row', { selected: true }).map((r) => r.getAttribute('data-path'))
    await user.click(row('b.txt'))
    expect(selected()).toEqual(['b.txt'])
    await user.keyboard('{Shift>}')
    await user.click(row('d.txt'))
    await user.keyboard('{/Shift}')
    expect(selected()).toEqual(['b.txt', 'c.txt', 'd.txt'])
    await user.keyboard('{Control>}')
    await user.click(row('c.txt'))
    await user.click(row('a.txt'))
    await user.keyboard('{/Control}')
    expect(selected()).toEqual(['a.txt', 'b.txt', 'd.txt'])
    screen.getByTestId('file-list').focus()
    await user.keyboard('{ArrowDown}')
    expect(selected()).toEqual(['b.txt'])
    await user.keyboard('{Control>}a{/Control}')
    expect(selected()).toHaveLength(5)
    expect(screen.getByTestId('browse-status')).toHaveTextContent('5 items, 5 selected')
  })

  it('asks for confirmation before deleting and deletes only when confirmed', async () => {
    const user = userEvent.setup()
    const { api } = await setup((api) => {
      api.addEntry('keep.txt', 'file')
      api.addEntry('old', 'dir')
      api.addEntry('old/inner.txt', 'file')
    })
    await user.click(screen.getByText('old'))
    await user.click(screen.getByTestId('delete'))
    const dialog = screen.getByRole('dialog', { name: 'Delete' })
    expect(dialog).toHaveTextContent('Delete "old"?')
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus()
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument()
    expect(api.callsOf('deleteRemote')).toEqual([])
    await user.click(screen.getByTestId('delete'))
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete' }))
    expect(api.callsOf('deleteRemote')).toEqual([['old', true]])
    await screen.findByText('keep.txt')
    expect(names()).toEqual(['keep.txt'])
  })

  it('renames and creates folders through dialogs', async () => {
    const user = userEvent.setup()
    const { api } = await setup((api) => api.addEntry('draft.txt', 'file'))
    await user.click(screen.getByText('draft.txt'))
    await user.click(screen.getByTestId('rename'))
    const input = within(screen.getByRole('dialog', { name: 'Rename' })).getByLabelText('New name')
    expect(input).toHaveValue('draft.txt')
    await user.clear(input)
    await user.type(input, 'final.txt{Enter}')
    expect(api.callsOf('renameRemote')).toEqual([['draft.txt', 'final.txt']])
    expect(await screen.findByText('final.txt')).toBeInTheDocument()
    await user.click(screen.getByTestId('new-folder'))
    const folderInput = within(screen.getByRole('dialog', { name: 'New folder' })).getByLabelText(
      'Folder name',
    )
    await user.type(folderInput, 'bad/name{Enter}')
    expect(screen.getByRole('dialog')).toHaveTextContent('A name cannot contain / or \\.')
    await user.clear(folderInput)
    await user.type(folderInput, 'photos{Enter}')
    expect(api.callsOf('makeRemoteFolder')).toEqual([['photos']])
    expect(await screen.findByText('photos')).toBeInTheDocument()
  })

  it('shows a server error inside the still-open dialog, not in a toast behind it', async () => {
    const user = userEvent.setup()
    const { api, store } = await setup((api) => {
      api.addEntry('draft.txt', 'file')
      api.addEntry('taken.txt', 'file')
      api.addEntry('locked', 'dir')
    })
    await user.click(screen.getByText('draft.txt'))
    await user.click(screen.getByTestId('rename'))
    const rename = screen.getByRole('dialog', { name: 'Rename' })
    const input = within(rename).getByLabelText('New name')
    await user.clear(input)
    api.failNext('renameRemote', 'EXISTS', 'already exists: taken.txt')
    await user.type(input, 'taken.txt{Enter}')
    expect(within(rename).getByTestId('dialog-error')).toHaveTextContent(
      'already exists: taken.txt — choose another name, or replace the existing one',
    )
    expect(within(rename).getByTestId('dialog-error')).toHaveAttribute('title', 'Error code: EXISTS')
    expect(input).toHaveAttribute('aria-invalid', 'true')
    // Typing again clears it; a good name closes the dialog.
    await user.type(input, '2')
    expect(within(rename).getByTestId('dialog-error')).toHaveTextContent('')
    await user.keyboard('{Enter}')
    expect(await screen.findByText('taken.txt2')).toBeInTheDocument()
    expect(screen.queryByRole('dialog')).toBeNull()

    await user.click(screen.getByText('locked'))
    await user.click(screen.getByTestId('delete'))
    api.failNext('deleteRemote', 'READ_ONLY', 'the share is read-only')
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete' }))
    const del = await screen.findByRole('dialog', { name: 'Delete' })
    expect(
      await within(del).findByText(/^Could not delete locked: the share is read-only — /),
    ).toBeInTheDocument()
    expect(store.getState().notices).toEqual([])
  })

  it('opens a folder on double-click, downloads a file on double-click or with its row button', async () => {
    const user = userEvent.setup()
    const { api, store } = await setup((api) => {
      api.addEntry('song.mp3', 'file', 10)
      api.addEntry('docs', 'dir')
      api.addEntry('docs/a.txt', 'file', 1)
    })
    store.getState().setDownloadDir('/tmp/dl')
    await user.dblClick(screen.getByText('song.mp3'))
    expect(api.callsOf('download')).toEqual([[['song.mp3'], '/tmp/dl']])
    await user.click(screen.getByRole('button', { name: 'Download docs' }))
    expect(api.callsOf('download').at(-1)).toEqual([['docs'], '/tmp/dl'])
    await user.dblClick(screen.getByText('docs'))
    expect(await screen.findByText('a.txt')).toBeInTheDocument()
    expect(api.callsOf('download')).toHaveLength(2)
  })

  it('renders only a window of rows for 100,000 entries and keeps the full count for assistive tech', async () => {
    const { store } = await setup((api) => {
      for (let i = 0; i < 100_000; i++) api.addEntry(`file-${String(i).padStart(6, '0')}.bin`, 'file', i)
    })
    expect(store.getState().entries).toHaveLength(100_000)
    const rows = screen.getAllByTestId('file-row')
    expect(rows.length).toBeGreaterThan(10)
    expect(rows.length).toBeLessThan(60)
    expect(screen.getByTestId('file-list')).toHaveAttribute('aria-rowcount', '100001')
    expect(rows[0]).toHaveAttribute('data-path', 'file-000000.bin')
    // Scrolling to the end brings the last rows into the window without rendering the rest.
    const grid = screen.getByTestId('file-list')
    grid.scrollTop = 100_000 * 32
    fireEvent.scroll(grid)
    expect(await screen.findByText('file-099999.bin')).toBeInTheDocument()
    expect(screen.queryByText('file-000000.bin')).not.toBeInTheDocument()
    expect(screen.getAllByTestId('file-row').length).toBeLessThan(60)
    // End moves the active row (announced through aria-activedescendant) and the selection to the last entry.
    grid.focus()
    await userEvent.keyboard('{End}')
    expect(grid).toHaveAttribute('aria-activedescendant', 'file-row-99999')
    expect([...store.getState().selection]).toEqual(['file-099999.bin'])
  })

  it('downloads the selection into the chosen folder', async () => {
    const user = userEvent.setup()
    const { api } = await setup((api) => api.addEntry('a.bin', 'file', 10))
    await user.click(screen.getByText('a.bin'))
    const dir = screen.getByLabelText('Download into')
    await user.clear(dir)
    await user.type(dir, '/tmp/out')
    await user.click(screen.getByTestId('download-selected'))
    expect(api.callsOf('download')).toEqual([[['a.bin'], '/tmp/out']])
  })
})
