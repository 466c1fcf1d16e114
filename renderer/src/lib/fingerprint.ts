// Certificate fingerprints as people compare them. The host shows 16 groups of 4 hex digits in 4 lines (the form
// of main/security/fingerprint.ts displayFingerprint); the client shows the same form, so the two match by eye.

function hexOf(fp: string): string {
  return fp.replace(/[^0-9a-fA-F]/g, '').toUpperCase()
}

/** 'AB:CD:...' or any spelling -> 'ABCD EF01 2345 6789\n...' (4 lines of 4 groups). */
export function groupFingerprint(fp: string): string {
  const groups = hexOf(fp).match(/.{1,4}/g) ?? []
  const lines: string[] = []
  for (let i = 0; i < groups.length; i += 4) lines.push(groups.slice(i, i + 4).join(' '))
  return lines.join('\n')
}

/** The first 4 bytes, for a one-line mention: 'AB:CD:EF:01…'. */
export function shortFingerprint(fp: string): string {
  const pairs = hexOf(fp).match(/../g) ?? []
  return `${pairs.slice(0, 4).join(':')}…`
}
