// Window-wide drop target: shows an overlay while files are dragged over the window, and uploads files and whole
// folders (with their structure) into the folder being browsed.
import { useEffect, useRef, useState } from 'react'
import { collectDropped } from '../../lib/drop-items'
import { useFerry } from '../../store/context'

function hasFiles(e: DragEvent): boolean {
  return e.dataTransfer !== null && Array.from(e.dataTransfer.types).includes('Files')
}

export function DropZone() {
  const uploadItems = useFerry((s) => s.uploadItems)
  const notify = useFerry((s) => s.notify)
  const connected = useFerry((s) => s.connection.state === 'connected')
  const cwd = useFerry((s) => s.cwd)
  const [dragging, setDragging] = useState(false)
  // dragenter/dragleave fire for every child element; count them to know when the pointer really left.
  const depth = useRef(0)

  useEffect(() => {
    const onEnter = (e: DragEvent) => {
      if (!hasFiles(e)) return
      e.preventDefault()
      depth.current++
      setDragging(true)
    }
    const onOver = (e: DragEvent) => {
      if (!hasFiles(e)) return
      e.preventDefault()
      if (e.dataTransfer) e.dataTransfer.dropEffect = connected ? 'copy' : 'none'
    }
    const onLeave = (e: DragEvent) => {
      if (!hasFiles(e)) return
      depth.current = Math.max(0, depth.current - 1)
      if (depth.current === 0) setDragging(false)
    }
    const onDrop = (e: DragEvent) => {
      if (!e.dataTransfer) return
      e.preventDefault()
      depth.current = 0
      setDragging(false)
      if (!connected) {
        notify('error', 'Connect to a server before dropping files to upload.')
        return
      }
      collectDropped(e.dataTransfer).then(
        (items) => void uploadItems(items),
        (err: unknown) =>
          notify(
            'error',
            `Could not read the dropped files: ${err instanceof Error ? err.message : String(err)}`,
          ),
      )
    }
    window.addEventListener('dragenter', onEnter)
    window.addEventListener('dragover', onOver)
    window.addEventListener('dragleave', onLeave)
    window.addEventListener('drop', onDrop)
    return () => {
      window.removeEventListener('dragenter', onEnter)
      window.removeEventListener('dragover', onOver)
      window.removeEventListener('dragleave', onLeave)
      window.removeEventListener('drop', onDrop)
    }
  }, [connected, notify, uploadItems])

  if (!dragging) return null
  return (
    <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
      <div className="drop-message">
        {connected ? `Drop to upload into /${cwd}` : 'Connect to a server to upload files'}
      </div>
    </div>
  )
}
