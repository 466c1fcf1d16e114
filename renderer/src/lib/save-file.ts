// Saves data produced in the renderer (CSV, PNG, SVG exports) through an anchor download; no remote resources.
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  try {
    saveUrl(url, fileName)
  } finally {
    // The click starts the download synchronously; revoking on the next task keeps the URL valid for it.
    setTimeout(() => URL.revokeObjectURL(url), 0)
  }
}

export function saveUrl(url: string, fileName: string): void {
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.rel = 'noopener'
  document.body.append(a)
  a.click()
  a.remove()
}

export function dataUrlToBlob(dataUrl: string): Blob {
  const [header, data = ''] = dataUrl.split(',', 2)
  const mime = /data:([^;,]+)/.exec(header ?? '')?.[1] ?? 'application/octet-stream'
  if (header?.endsWith(';base64')) {
    const bin = atob(data)
    const bytes = new Uint8Array(bin.length)
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
    return new Blob([bytes], { type: mime })
  }
  return new Blob([decodeURIComponent(data)], { type: mime })
}
