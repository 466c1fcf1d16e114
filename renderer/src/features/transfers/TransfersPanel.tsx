import { useShallow } from 'zustand/react/shallow'
import type { TransferInfo } from '../../../../preload/api'
import { useFerry } from '../../store/context'
import { isActive } from '../../store/transfers-slice'
import { TransferRow } from './TransferRow'

const isQueued = (t: TransferInfo | undefined) => t !== undefined && isActive(t)
const isFinished = (t: TransferInfo | undefined) => t !== undefined && !isActive(t)

export function TransfersPanel() {
  // Two arrays of ids, each compared element by element, so progress ticks do not re-render the panel.
  const queue = useFerry(useShallow((s) => s.transferOrder.filter((id) => isQueued(s.transfers[id]))))
  const history = useFerry(useShallow((s) => s.transferOrder.filter((id) => isFinished(s.transfers[id]))))
  const clearFinished = useFerry((s) => s.clearFinished)
  return (
    <aside className="transfers-panel" aria-labelledby="transfers-heading" data-testid="transfers-panel">
      <div className="panel-head">
        <h2 id="transfers-heading">Transfers</h2>
        <span className="hint" role="status" aria-live="polite" data-testid="transfers-summary">
          {queue.length} active, {history.length} finished
        </span>
        <button
          type="button"
          disabled={history.length === 0}
          onClick={() => void clearFinished()}
          data-testid="transfers-clear"
        >
          Clear finished
        </button>
      </div>
      <h3 className="visually-hidden">Queue</h3>
      <ul className="transfer-list" aria-label="Active transfers" data-testid="transfer-queue">
        {queue.map((id) => (
          <TransferRow key={id} id={id} />
        ))}
      </ul>
      <h3 className="visually-hidden">History</h3>
      <ul className="transfer-list history" aria-label="Finished transfers" data-testid="transfer-history">
        {history.map((id) => (
          <TransferRow key={id} id={id} />
        ))}
      </ul>
      {queue.length + history.length === 0 && (
        <p className="empty">No transfers yet. Drop files on the window to upload.</p>
      )}
    </aside>
  )
}
