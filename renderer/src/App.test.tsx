import { act, fireEvent, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { App } from './App'
import { FakeApi } from './test/fake-api'
import { createFerryStore } from './store'
import { initStore } from './store/bind-api'
import { connectedStore, renderWithStore } from './test/render'

function fileItem(name: string, content: string) {
  const file = new File([content], name)
  return {
    kind: 'file',
    getAsFile: () => file,
    webkitGetAsEntry: () => ({
      isFile: true,
      isDirectory: false,
      name,
      file: (ok: (f: File) => void) => ok(file),
    }),
  }
}

// jsdom does no layout; give scroll containers a viewport so the virtualized lists have a window to fill.
beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(600)
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(800)
})
afterEach(() => vi.restoreAllMocks())

describe('App', () => {
  it('says plainly when the back end is lost, stops claiming live state, and refreshes once it is back', async () => {
    const api = new FakeApi()
    const { store } = renderWithStore(<App />, api)
    await store.getState().connect({ host: '127.0.0.1', port: 7420 })
    await screen.findByText('Connected to 127.0.0.1:7420')
    act(() => api.bridge.emit({ state: 'lost' }))
    expect(screen.getByTestId('bridge-lost')).toHaveTextContent("Lost contact with Ferry's back end")
    expect(screen.getByTestId('header-status')).toHaveTextContent('Back end unreachable')
    expect(screen.queryByText('Connected to 127.0.0.1:7420')).not.toBeInTheDocument()
    // Meanwhile the back end dropped the connection; the restored page reads the truth again.
    api.connectionInfo = null
    const before = api.calls.length
    act(() => api.bridge.emit({ state: 'restored' }))
    expect(screen.queryByTestId('bridge-lost')).not.toBeInTheDocument()
    await waitFor(() => expect(screen.getByTestId('header-status')).toHaveTextContent('Not connected'))
    const asked = api.calls.slice(before).map((c) => c.method)
    expect(asked).toEqual(expect.arrayContaining(['getConnectionState', 'getHostStatus', 'listTransfers']))
  })

  it('a reloaded page shows the connection the back end still holds', async () => {
    const api = new FakeApi()
    api.connectionInfo = {
      host: '127.0.0.1',
      port: 7420,
      serverName: 'box',
      protocol: 1,
      idleTimeoutMs: 60_000,
      readOnly: false,
      tls: false,
      fingerprint: null,
    }
    const store = createFerryStore(api)
    initStore(store, api)
    renderWithStore(<App />, api, store)
    await screen.findByText('Connected to 127.0.0.1:7420')
  })

  it('switches views from the navigation and marks the current one', async () => {
    const user = userEvent.setup()
    renderWithStore(<App />)
    expect(screen.getByRole('heading', { name: 'Connect' })).toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Host' }))
    expect(screen.getByRole('heading', { level: 1, name: 'Host' })).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Host' })).toHaveAttribute('aria-current', 'page')
  })

  it('uploads files and folders dropped on the window into the folder being browsed', async () => {
    const api = new FakeApi()
    api.addEntry('inbox', 'dir')
    const store = await connectedStore(api)
    await store.getState().navigate('inbox')
    renderWithStore(<App />, api, store)
    const folder = {
      kind: 'file',
      getAsFile: () => null,
      webkitGetAsEntry: () => ({
        isFile: false,
        isDirectory: true,
        name: 'album',
        createReader: () => {
          let done = false
          return {
            readEntries: (ok: (e: unknown[]) => void) => {
              ok(done ? [] : [fileItem('x.jpg', 'x').webkitGetAsEntry()])
              done = true
            },
          }
        },
      }),
    }
    const dataTransfer = { types: ['Files'], items: [fileItem('note.txt', 'hi'), folder], files: [] }
    fireEvent.dragEnter(document.body, { dataTransfer })
    expect(screen.getByTestId('drop-overlay')).toHaveTextContent('Drop to upload into /inbox')
    fireEvent.drop(document.body, { dataTransfer })
    await waitFor(() => expect(api.callsOf('uploadFiles')).toHaveLength(1))
    const [items, dir] = api.callsOf('uploadFiles')[0] as [Array<{ relativePath: string }>, string]
    expect(items.map((i) => i.relativePath)).toEqual(['note.txt', 'album/x.jpg'])
    expect(dir).toBe('inbox')
    expect(screen.queryByTestId('drop-overlay')).not.toBeInTheDocument()
    // The file is one job, the folder another.
    const rows = await screen.findAllByTestId('transfer')
    expect(rows.map((r) => [r.dataset['name'], r.dataset['kind']]).sort()).toEqual([
      ['album', 'folder'],
      ['note.txt', 'file'],
    ])
  })

  it('refuses drops while not connected, with a readable message', async () => {
    const api = new FakeApi()
    renderWithStore(<App />, api)
    fireEvent.drop(document.body, {
      dataTransfer: { types: ['Files'], items: [fileItem('a', 'a')], files: [] },
    })
    expect(
      await screen.findByText('Connect to a server before dropping files to upload.'),
    ).toBeInTheDocument()
    expect(api.callsOf('uploadFiles')).toHaveLength(0)
  })
})
