// File and folder pickers for uploading into the current folder (the keyboard alternative to dropping).
import { useRef, type ChangeEvent } from 'react'
import { collectFromInput } from '../../lib/drop-items'
import { useFerry } from '../../store/context'

export function UploadButtons({ disabled }: { disabled?: boolean }) {
  const uploadItems = useFerry((s) => s.uploadItems)
  const filesRef = useRef<HTMLInputElement>(null)
  const folderRef = useRef<HTMLInputElement>(null)
  const onChange = (e: ChangeEvent<HTMLInputElement>) => {
    const files = e.target.files
    if (files && files.length > 0) void uploadItems(collectFromInput(files))
    e.target.value = ''
  }
  return (
    <>
      <button
        type="button"
        disabled={disabled}
        onClick={() => filesRef.current?.click()}
        data-testid="upload-files"
      >
        Upload files...
      </button>
      <button
        type="button"
        disabled={disabled}
        onClick={() => folderRef.current?.click()}
        data-testid="upload-folder"
      >
        Upload folder...
      </button>
      <input
        ref={filesRef}
        type="file"
        multiple
        hidden
        tabIndex={-1}
        aria-label="Files to upload"
        onChange={onChange}
        data-testid="upload-files-input"
      />
      <input
        ref={(el) => {
          folderRef.current = el
          // webkitdirectory is not in React's attribute list; set it on the element.
          el?.setAttribute('webkitdirectory', '')
        }}
        type="file"
        multiple
        hidden
        tabIndex={-1}
        aria-label="Folder to upload"
        onChange={onChange}
        data-testid="upload-folder-input"
      />
    </>
  )
}
