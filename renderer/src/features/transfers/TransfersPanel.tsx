// The transfers panel: one row per job (a folder is one row), active ones first, then finished ones, in one
// virtualized list, so a long history costs a screenful of rows in the DOM and a progress tick re-renders only
// the row whose job moved.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useShallow } from 'zustand/react/shallow'
import type { TransferInfo } from '../../../../preload/api'
import { CheckboxField } from '../../components/CheckboxField'
import { useFerry } from '../../store/context'
import { isActive } from '../../store/transfers-slice'
import { ROW_GAP, rowHeight, TransferRow } from './TransferRow'

const SECTION_HEIGHT = 28

const isQueued = (t: TransferInfo | undefined) => t !== undefined && isActive(t)
// Only a transfer that completed is finished; cancelled, failed and interrupted ones are listed apart.
const isFinished = (t: TransferInfo | undefined) => t !== undefined && t.state === 'done'
const isStopped = (t: TransferInfo | undefined) => t !== undefined && !isActive(t) && t.state !== 'done'

type Section = 'active' | 'finished' | 'stopped'
type Item =
  { kind: 'section'; key: string; label: string } | { kind: 'job'; key: string; id: string; section: Section }

export function TransfersPanel() {
  // Two arrays of ids, each compared element by element, so progress ticks do not re-render the panel.
  const queue = useFerry(useShallow((s) => s.transferOrder.filter((id) => isQueued(s.transfers[id]))))
  const history = useFerry(useShallow((s) => s.transferOrder.filter((id) => isFinished(s.transfers[id]))))
  const stopped = useFerry(useShallow((s) => s.transferOrder.filter((id) => isStopped(s.transfers[id]))))
  const clearFinished = useFerry((s) => s.clearFinished)
  const stopOnError = useFerry((s) => s.stopOnError)
  const setStopOnError = useFerry((s) => s.setStopOnError)
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set())
  const toggle = useCallback((id: string) => {
    setExpanded((before) => {
      const next = new Set(before)
      if (!next.delete(id)) next.add(id)
      return next
    })
  }, [])

  const items = useMemo<Item[]>(() => {
    const job = (section: Section) => (id: string) => ({
      kind: 'job' as const,
      key: id,
      id,
      section,
    })
    return [
      ...(queue.length
        ? [{ kind: 'section' as const, key: 's:active', label: `Active (${queue.length})` }]
        : []),
      ...queue.map(job('active')),
      ...(history.length
        ? [{ kind: 'section' as const, key: 's:finished', label: `Finished (${history.length})` }]
        : []),
      ...history.map(job('finished')),
      ...(stopped.length
        ? [{ kind: 'section' as const, key: 's:stopped', label: `Stopped (${stopped.length})` }]
        : []),
      ...stopped.map(job('stopped')),
    ]
  }, [queue, history, stopped])

  const scrollRef = useRef<HTMLDivElement>(null)
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render by design
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    getItemKey: (index) => items[index]?.key ?? index,
    estimateSize: (index) => {
      const item = items[index]
      if (!item || item.kind === 'section') return SECTION_HEIGHT
      return rowHeight(expanded.has(item.id)) + ROW_GAP
    },
    overscan: 4,
  })
  // Sizes are computed, never measured: recompute them when a row opens or closes.
  useEffect(() => virtualizer.measure(), [virtualizer, expanded, items])

  return (
    <aside className="transfers-panel" aria-labelledby="transfers-heading" data-testid="transfers-panel">
      <div className="panel-head">
        <h2 id="transfers-heading">Transfers</h2>
        <span className="hint" role="status" aria-live="polite" data-testid="transfers-summary">
          {queue.length} active, {history.length} finished
          {stopped.length > 0 && `, ${stopped.length} stopped`}
        </span>
        <button
          type="button"
          disabled={history.length + stopped.length === 0}
          onClick={() => void clearFinished()}
          data-testid="transfers-clear"
        >
          Clear finished
        </button>
        <CheckboxField checked={stopOnError} onChange={setStopOnError} testId="transfers-stop-on-error">
          Stop a folder at its first failed file
        </CheckboxField>
      </div>
      {items.length === 0 ? (
        <p className="empty">No transfers yet. Drop files on the window to upload.</p>
      ) : (
        <div ref={scrollRef} className="transfer-scroll" data-testid="transfer-scroll">
          <ul
            className="transfer-list"
            aria-label="Transfers"
            data-testid="transfer-list"
            style={{ height: virtualizer.getTotalSize() }}
          >
            {virtualizer.getVirtualItems().map((v) => {
              const item = items[v.index]
              if (!item) return null
              return item.kind === 'section' ? (
                <li
                  key={item.key}
                  className="transfer-section"
                  style={{ transform: `translateY(${v.start}px)`, height: SECTION_HEIGHT }}
                >
                  <h3>{item.label}</h3>
                </li>
              ) : (
                <TransferRow
                  key={item.key}
                  id={item.id}
                  expanded={expanded.has(item.id)}
                  onToggle={toggle}
                  top={v.start}
                />
              )
            })}
          </ul>
        </div>
      )}
    </aside>
  )
}
