// A folder job's files for its expander (see transfer-file-pager.ts): one pager per open expander, refreshed when
// the job's `version` changes (a file settled, the job changed state), at most once a second. The first pages
// are fetched by the list asking for what it shows (pager.ensure), not here.
import { useEffect, useRef, useState, useSyncExternalStore } from 'react'
import { useFerry } from '../../store/context'
import { TransferFilePager } from './transfer-file-pager'

export function useTransferFiles(id: string, version: string): TransferFilePager {
  const load = useFerry((s) => s.loadTransferFiles)
  const [pager] = useState(() => new TransferFilePager((offset, limit) => load(id, offset, limit)))
  useSyncExternalStore(pager.subscribe, pager.getVersion)
  const shown = useRef(version)
  useEffect(() => {
    if (shown.current === version) return
    const timer = setTimeout(() => {
      shown.current = version
      pager.invalidate()
    }, pager.refreshIn())
    return () => clearTimeout(timer)
  }, [version, pager])
  return pager
}
