// The expander of a folder job: its settled files, failures first with their error, then the latest ones, in a
// virtualized list of its own (a job of 10,000 files puts a screenful of rows in the DOM, fetched page by page).
import { useEffect, useRef } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { TransferFileInfo } from '../../../../preload/api'
import { describeError, errorCodeTitle } from '../../lib/api'
import { formatBytes } from '../../lib/format'
import { useFerry } from '../../store/context'
import { useTransferFiles } from './use-transfer-files'

export const FILE_ROW_HEIGHT = 24
const LIST_HEIGHT = 192
const HINT_HEIGHT = 22
/** What the expander adds to its job row's height. */
export const FILES_PANEL_HEIGHT = LIST_HEIGHT + HINT_HEIGHT + 12

const FILE_STATE: Record<TransferFileInfo['state'], string> = {
  done: 'Done',
  skipped: 'Already there',
  failed: 'Failed',
}

/** The path below the job's folder: 'photos/2024/a.jpg' in job 'photos' reads '2024/a.jpg'. */
function relative(path: string, root: string): string {
  return root !== '' && path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path
}

export function TransferFiles({ id, panelId }: { id: string; panelId: string }) {
  const root = useFerry((s) => s.transfers[id]?.remotePath ?? '')
  // Changes whenever a file settles or the job changes state: the visible pages are then fetched again.
  const version = useFerry((s) => {
    const t = s.transfers[id]
    const f = t?.files
    return `${t?.state}:${f ? f.done + f.failed + f.skipped : 0}`
  })
  const files = useTransferFiles(id, version)
  const scrollRef = useRef<HTMLDivElement>(null)
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render by design
  const virtualizer = useVirtualizer({
    count: files.total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => FILE_ROW_HEIGHT,
    overscan: 10,
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items.at(-1)?.index ?? 0
  useEffect(() => files.ensure(first, last), [first, last, files])

  return (
    <div className="transfer-files" id={panelId} data-testid="transfer-files-panel">
      <p className="transfer-files-hint" style={{ height: HINT_HEIGHT }}>
        {files.total === null
          ? 'Loading the files...'
          : files.total === 0
            ? 'No file has finished yet.'
            : 'Failed files first, then the latest finished ones.'}
      </p>
      <div ref={scrollRef} className="transfer-files-scroll" style={{ height: LIST_HEIGHT }} tabIndex={0}>
        <ul
          className="transfer-files-canvas"
          style={{ height: virtualizer.getTotalSize() }}
          aria-label="Files of this transfer"
        >
          {items.map((item) => {
            const file = files.fileAt(item.index)
            return (
              <li
                key={item.key}
                className={`transfer-file transfer-file-${file?.state ?? 'loading'}`}
                style={{ transform: `translateY(${item.start}px)`, height: FILE_ROW_HEIGHT }}
                aria-setsize={files.total ?? 0}
                aria-posinset={item.index + 1}
                data-testid="transfer-file"
                data-state={file?.state}
              >
                {file ? <FileLine file={file} root={root} /> : <span className="transfer-file-path">…</span>}
              </li>
            )
          })}
        </ul>
      </div>
    </div>
  )
}

function FileLine({ file, root }: { file: TransferFileInfo; root: string }) {
  const path = relative(file.path, root)
  return (
    <>
      <span className="transfer-file-path" title={file.path}>
        {path}
      </span>
      {file.error ? (
        <span
          className="transfer-file-error"
          title={`${describeError(file.error)}\n${errorCodeTitle(file.error.code)}`}
        >
          {describeError(file.error)}
        </span>
      ) : (
        <span className="transfer-file-size">{formatBytes(file.size)}</span>
      )}
      <span className="transfer-file-state">{FILE_STATE[file.state]}</span>
    </>
  )
}
