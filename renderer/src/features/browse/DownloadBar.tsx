import { FolderField } from '../../components/FolderField'
import { useFerry } from '../../store/context'

export function DownloadBar() {
  const downloadDir = useFerry((s) => s.downloadDir)
  const setDownloadDir = useFerry((s) => s.setDownloadDir)
  const downloadSelected = useFerry((s) => s.downloadSelected)
  const count = useFerry((s) => s.selection.size)
  return (
    <div className="download-bar">
      <FolderField
        label="Download into"
        purpose="download"
        value={downloadDir}
        onChange={setDownloadDir}
        testId="download-dir"
      />
      <button
        type="button"
        className="primary"
        disabled={count === 0}
        onClick={() => void downloadSelected()}
        data-testid="download-selected"
      >
        Download{count > 0 ? ` ${count} selected` : ' selected'}
      </button>
    </div>
  )
}
