// A QR code drawn as inline SVG from the symbol's module matrix (qrcode.create), so no data: URL or canvas is
// needed and the Content-Security-Policy stays as strict as it is.
import { useMemo } from 'react'
import { create } from 'qrcode'

interface QrCodeProps {
  text: string
  /** Read by screen readers and shown as a tooltip. */
  label: string
  /** Rendered width and height in CSS pixels. */
  size?: number
  testId?: string
}

/** Light modules around the symbol, as the QR standard asks for, so scanners find its edges. */
const QUIET_ZONE = 4

/** One SVG path of unit squares, one per dark module; exported for the test. */
export function qrPath(text: string): { path: string; modules: number } {
  const { modules } = create(text, { errorCorrectionLevel: 'M' })
  let path = ''
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (modules.get(row, col)) path += `M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`
    }
  }
  return { path, modules: modules.size }
}

export function QrCode({ text, label, size = 192, testId }: QrCodeProps) {
  const { path, modules } = useMemo(() => qrPath(text), [text])
  const extent = modules + QUIET_ZONE * 2
  return (
    <svg
      className="qr-code"
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`0 0 ${extent} ${extent}`}
      shapeRendering="crispEdges"
      data-testid={testId}
      data-text={text}
    >
      <title>{label}</title>
      <rect width={extent} height={extent} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  )
}
