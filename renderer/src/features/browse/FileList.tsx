// The folder listing: a virtualized grid (only the visible window of rows is in the DOM, so 100,000 entries
// scroll smoothly), sortable by column, with click / ctrl-click / shift-click selection and full keyboard use.
import { useRef, useState, type KeyboardEvent, type MouseEvent } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { RemoteEntry } from '../../../../preload/api'
import { formatBytes, formatDate } from '../../lib/format'
import { useFerry } from '../../store/context'
import type { SortKey } from '../../store/sort-entries'

export const ROW_HEIGHT = 32
// The column header is sticky inside the scroll container; the virtualizer must know it sits above row 0.
const HEADER_HEIGHT = 34

interface FileListProps {
  onDeleteRequest(): void
}

const COLUMNS: Array<{ key: SortKey; label: string }> = [
  { key: 'name', label: 'Name' },
  { key: 'size', label: 'Size' },
  { key: 'date', label: 'Modified' },
]

export function FileList({ onDeleteRequest }: FileListProps) {
  const entries = useFerry((s) => s.entries)
  const selection = useFerry((s) => s.selection)
  const sort = useFerry((s) => s.sort)
  const listing = useFerry((s) => s.listing)
  const setSort = useFerry((s) => s.setSort)
  const select = useFerry((s) => s.select)
  const selectAll = useFerry((s) => s.selectAll)
  const navigate = useFerry((s) => s.navigate)
  const downloadPaths = useFerry((s) => s.downloadPaths)
  const [active, setActive] = useState(0)
  const scrollRef = useRef<HTMLDivElement>(null)

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render by design
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
  })

  const activeIndex = Math.min(active, Math.max(entries.length - 1, 0))
  const activeEntry = entries[activeIndex]

  // Opening a folder shows it; opening a file downloads it into the download folder.
  const open = (entry: RemoteEntry) => {
    if (entry.type === 'dir') void navigate(entry.path)
    else void downloadPaths([entry.path])
  }

  const onRowClick = (e: MouseEvent, entry: RemoteEntry, index: number) => {
    setActive(index)
    select(entry.path, e.shiftKey ? 'range' : e.ctrlKey || e.metaKey ? 'toggle' : 'single')
  }

  const move = (index: number, e: KeyboardEvent) => {
    const next = Math.max(0, Math.min(entries.length - 1, index))
    const entry = entries[next]
    if (!entry) return
    setActive(next)
    virtualizer.scrollToIndex(next)
    if (e.shiftKey) select(entry.path, 'range')
    else if (!(e.ctrlKey || e.metaKey)) select(entry.path, 'single')
  }

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    // Keys pressed on the header's sort buttons belong to those buttons.
    if (e.target !== e.currentTarget) return
    const page = Math.max(
      1,
      Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1,
    )
    switch (e.key) {
      case 'ArrowDown':
        return (e.preventDefault(), move(activeIndex + 1, e))
      case 'ArrowUp':
        return (e.preventDefault(), move(activeIndex - 1, e))
      case 'PageDown':
        return (e.preventDefault(), move(activeIndex + page, e))
      case 'PageUp':
        return (e.preventDefault(), move(activeIndex - page, e))
      case 'Home':
        return (e.preventDefault(), move(0, e))
      case 'End':
        return (e.preventDefault(), move(entries.length - 1, e))
      case 'Enter':
        if (activeEntry) {
          e.preventDefault()
          open(activeEntry)
        }
        return
      case ' ':
        if (activeEntry) {
          e.preventDefault()
          select(activeEntry.path, 'toggle')
        }
        return
      case 'Delete':
        if (selection.size > 0) {
          e.preventDefault()
          onDeleteRequest()
        }
        return
      case 'a':
        if (e.ctrlKey || e.metaKey) {
          e.preventDefault()
          selectAll()
        }
        return
    }
  }

  const rowId = (index: number) => `file-row-${index}`

  return (
    <div
      ref={scrollRef}
      className="file-grid"
      role="grid"
      aria-label="Files"
      aria-rowcount={entries.length + 1}
      aria-multiselectable="true"
      aria-busy={listing === 'loading'}
      tabIndex={0}
      aria-activedescendant={activeEntry ? rowId(activeIndex) : undefined}
      onKeyDown={onKeyDown}
      data-testid="file-list"
    >
      <div role="rowgroup" className="file-head" style={{ height: HEADER_HEIGHT }}>
        <div role="row" aria-rowindex={1} className="file-row head-row">
          {COLUMNS.map((c) => (
            <div
              key={c.key}
              role="columnheader"
              className={`col col-${c.key}`}
              aria-sort={sort.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
              data-testid={`sort-${c.key}`}
            >
              <button type="button" className="sort-button" onClick={() => setSort(c.key)}>
                {c.label}
                <span aria-hidden="true">{sort.key === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}</span>
              </button>
            </div>
          ))}
        </div>
      </div>
      {entries.length === 0 && listing === 'ready' && (
        <p className="empty" data-testid="file-empty">
          This folder is empty. Drop files here to upload.
        </p>
      )}
      <div role="rowgroup" className="file-canvas" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const entry = entries[item.index]
          if (!entry) return null
          const selected = selection.has(entry.path)
          return (
            <div
              key={entry.path}
              id={rowId(item.index)}
              role="row"
              aria-rowindex={item.index + 2}
              aria-selected={selected}
              className={`file-row${selected ? ' selected' : ''}${item.index === activeIndex ? ' active' : ''}`}
              style={{ transform: `translateY(${item.start - HEADER_HEIGHT}px)`, height: ROW_HEIGHT }}
              onClick={(e) => onRowClick(e, entry, item.index)}
              onDoubleClick={() => open(entry)}
              data-testid="file-row"
              data-path={entry.path}
              data-type={entry.type}
            >
              <div role="gridcell" className="col col-name">
                <span aria-hidden="true" className={`file-icon icon-${entry.type}`} />
                <span className="file-name">{entry.name}</span>
                {entry.type === 'dir' && <span className="visually-hidden"> (folder)</span>}
                <button
                  type="button"
                  className="row-action"
                  tabIndex={-1}
                  aria-label={`Download ${entry.name}`}
                  title={`Download ${entry.name}`}
                  onClick={(e) => {
                    // The row's own click would change the selection: this button acts on its row only.
                    e.stopPropagation()
                    void downloadPaths([entry.path])
                  }}
                  onDoubleClick={(e) => e.stopPropagation()}
                  data-testid="row-download"
                >
                  ↓
                </button>
              </div>
              <div role="gridcell" className="col col-size">
                {entry.type === 'dir' ? '—' : formatBytes(entry.size)}
              </div>
              <div role="gridcell" className="col col-date">
                {formatDate(entry.mtimeMs)}
              </div>
            </div>
          )
        })}
      </div>
    </div>
  )
}
