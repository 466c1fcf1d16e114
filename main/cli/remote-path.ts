// Remote paths as users type them ('/docs/a.txt', 'a.txt', '../b', 'docs/') turned into wire paths ('docs/a.txt',
// '' for the share root). '.' and '..' are resolved here because the protocol refuses them; every other rule
// is left to the server, which rejects (never rewrites) bad names.
import { UsageError } from './errors'

export function resolveRemotePath(cwd: string, input: string): string {
  const segments = input.startsWith('/') || cwd === '' ? [] : cwd.split('/')
  for (const part of input.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (segments.length === 0) throw new UsageError(`"${input}" goes above the share root`)
      segments.pop()
    } else segments.push(part)
  }
  return segments.join('/')
}

/** How a wire path is shown to the user: rooted at '/'. */
export function displayRemote(path: string): string {
  return `/${path}`
}
