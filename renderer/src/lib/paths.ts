// Share-relative wire paths as the protocol defines them: '/'-separated, '' is the root.

export function joinPath(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/')
}

export function baseName(path: string): string {
  const i = path.lastIndexOf('/')
  return i < 0 ? path : path.slice(i + 1)
}

export function parentPath(path: string): string {
  const i = path.lastIndexOf('/')
  return i < 0 ? '' : path.slice(0, i)
}

/** True when path is dir itself or anywhere below it. */
export function isWithin(path: string, dir: string): boolean {
  return dir === '' || path === dir || path.startsWith(`${dir}/`)
}

export interface Crumb {
  name: string
  path: string
}

export function breadcrumbs(path: string, rootName = 'Share'): Crumb[] {
  const crumbs: Crumb[] = [{ name: rootName, path: '' }]
  if (path === '') return crumbs
  let current = ''
  for (const segment of path.split('/')) {
    current = joinPath(current, segment)
    crumbs.push({ name: segment, path: current })
  }
  return crumbs
}

/** A quick local check so obvious mistakes get a message before a round trip; the server has the last word. */
export function nameProblem(name: string): string | null {
  if (name.trim() === '') return 'Enter a name.'
  if (name === '.' || name === '..') return `"${name}" is not allowed.`
  if (/[/\\]/.test(name)) return 'A name cannot contain / or \\.'
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (/[\u0000-\u001f\u007f<>:"|?*]/.test(name)) return 'A name cannot contain control characters or <>:"|?*.'
  if (/[. ]$/.test(name)) return 'A name cannot end with a dot or a space.'
  return null
}
