import { useState } from 'react'
import { ConfirmDialog } from '../../components/Dialog'
import { NameDialog } from '../../components/NameDialog'
import { describeError, errorCodeTitle, type ApiError } from '../../lib/api'
import { baseName } from '../../lib/paths'
import type { DeleteFailure } from '../../store/browse-slice'
import { useFerry } from '../../store/context'
import { UploadButtons } from '../transfers/UploadButtons'
import { Breadcrumbs } from './Breadcrumbs'
import { DownloadBar } from './DownloadBar'
import { FileList } from './FileList'

type Pending =
  | { kind: 'new-folder' }
  | { kind: 'rename'; path: string }
  | { kind: 'delete'; paths: string[]; busy?: boolean; failures?: DeleteFailure[] }
  | null

export function BrowseView() {
  const connected = useFerry((s) => s.connection.state === 'connected')
  const readOnly = useFerry((s) => s.connection.state === 'connected' && s.connection.info.readOnly)
  const selection = useFerry((s) => s.selection)
  const listing = useFerry((s) => s.listing)
  const browseError = useFerry((s) => s.browseError)
  const count = useFerry((s) => s.entries.length)
  const refresh = useFerry((s) => s.refresh)
  const makeFolder = useFerry((s) => s.makeFolder)
  const renameEntry = useFerry((s) => s.renameEntry)
  const deleteEntries = useFerry((s) => s.deleteEntries)
  const setView = useFerry((s) => s.setView)
  const [pending, setPending] = useState<Pending>(null)

  if (!connected) {
    return (
      <section className="view browse-view" aria-labelledby="browse-heading" data-testid="browse-view">
        <h1 id="browse-heading">Browse</h1>
        <div className="card empty">
          <p>Not connected to a server.</p>
          <button type="button" className="primary" onClick={() => setView('connect')}>
            Connect to a server
          </button>
        </div>
      </section>
    )
  }

  const selected = [...selection]
  const only = selected.length === 1 ? selected[0] : undefined
  const requestDelete = () => selected.length > 0 && setPending({ kind: 'delete', paths: selected })
  // Dialogs stay open on failure and show why, where the user is looking (not in a toast behind them).
  const closeOnSuccess = async (change: Promise<ApiError | null>): Promise<ApiError | null> => {
    const error = await change
    if (!error) setPending(null)
    return error
  }
  const confirmDelete = async (paths: string[]) => {
    setPending({ kind: 'delete', paths, busy: true })
    const failures = await deleteEntries(paths)
    // What was deleted is gone; what failed stays selected in the dialog, with the reason.
    if (failures.length === 0) setPending(null)
    else setPending({ kind: 'delete', paths: failures.map((f) => f.path), failures })
  }

  return (
    <section className="view browse-view" aria-labelledby="browse-heading" data-testid="browse-view">
      <h1 id="browse-heading" className="visually-hidden">
        Browse
      </h1>
      <Breadcrumbs />
      <div className="toolbar" role="toolbar" aria-label="File actions">
        <button type="button" onClick={() => void refresh()} data-testid="refresh">
          Refresh
        </button>
        <button
          type="button"
          disabled={readOnly}
          onClick={() => setPending({ kind: 'new-folder' })}
          data-testid="new-folder"
        >
          New folder
        </button>
        <button
          type="button"
          disabled={readOnly || only === undefined}
          onClick={() => only !== undefined && setPending({ kind: 'rename', path: only })}
          data-testid="rename"
        >
          Rename
        </button>
        <button
          type="button"
          disabled={readOnly || selected.length === 0}
          onClick={requestDelete}
          data-testid="delete"
        >
          Delete
        </button>
        <UploadButtons disabled={readOnly} />
        <span className="toolbar-status" role="status" aria-live="polite" data-testid="browse-status">
          {listing === 'loading'
            ? 'Loading...'
            : `${count} item${count === 1 ? '' : 's'}, ${selected.length} selected`}
        </span>
      </div>
      {listing === 'error' && browseError && (
        <p
          className="card error"
          role="alert"
          data-testid="browse-error"
          title={errorCodeTitle(browseError.code)}
        >
          {describeError(browseError)}
        </p>
      )}
      <FileList onDeleteRequest={requestDelete} />
      <DownloadBar />

      {pending?.kind === 'new-folder' && (
        <NameDialog
          title="New folder"
          label="Folder name"
          initial=""
          submitLabel="Create"
          testId="new-folder-dialog"
          onCancel={() => setPending(null)}
          onSubmit={(name) => closeOnSuccess(makeFolder(name))}
        />
      )}
      {pending?.kind === 'rename' && (
        <NameDialog
          title="Rename"
          label="New name"
          initial={baseName(pending.path)}
          submitLabel="Rename"
          testId="rename-dialog"
          onCancel={() => setPending(null)}
          onSubmit={(name) => closeOnSuccess(renameEntry(pending.path, name))}
        />
      )}
      {pending?.kind === 'delete' && (
        <ConfirmDialog
          title="Delete"
          danger
          confirmLabel="Delete"
          testId="delete-dialog"
          message={
            <p>
              {pending.paths.length === 1
                ? `Delete "${baseName(pending.paths[0] ?? '')}"? Folders are deleted with everything inside.`
                : `Delete ${pending.paths.length} items? Folders are deleted with everything inside.`}{' '}
              This cannot be undone.
            </p>
          }
          busy={pending.busy}
          error={pending.failures && <DeleteFailures failures={pending.failures} />}
          onCancel={() => setPending(null)}
          onConfirm={() => void confirmDelete(pending.paths)}
        />
      )}
    </section>
  )
}

function DeleteFailures({ failures }: { failures: DeleteFailure[] }) {
  return (
    <ul className="dialog-failures">
      {failures.map(({ path, error }) => (
        <li key={path} title={errorCodeTitle(error.code)}>
          Could not delete {baseName(path)}: {describeError(error)}
        </li>
      ))}
    </ul>
  )
}
