// The web page's files, read once at start from main/web/page (found from this module in the sources, or from
// the repository root when running from a bundle in out/), plus hash-wasm's SHA-256 for the page's incremental
// hashing. Served from memory by name: no URL ever reaches the file system.
import { readFileSync, existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { FerryError } from '../protocol/error-codes'

export interface PageFile {
  type: string
  body: Buffer
}

const FILES: Record<string, { file: string; type: string }> = {
  '': { file: 'index.html', type: 'text/html; charset=utf-8' },
  'app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  'upload.js': { file: 'upload.js', type: 'text/javascript; charset=utf-8' },
  'app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
}

function pageDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url))
  const candidates = [path.join(here, 'page'), path.join(here, '../../main/web/page')]
  const found = candidates.find((dir) => existsSync(path.join(dir, 'index.html')))
  if (!found)
    throw new FerryError('INTERNAL', `the web page's files are missing (looked in ${candidates.join(', ')})`)
  return found
}

/** Name -> file, for the routes '/', '/app.js', ... and '/vendor/sha256.js'. */
export function loadPage(dir: string = pageDir()): Map<string, PageFile> {
  const files = new Map<string, PageFile>()
  for (const [name, { file, type }] of Object.entries(FILES)) {
    files.set(name, { type, body: readFileSync(path.join(dir, file)) })
  }
  const require = createRequire(import.meta.url)
  files.set('vendor/sha256.js', {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(require.resolve('hash-wasm/dist/sha256.umd.min.js')),
  })
  return files
}

/** The page may run its own scripts and hash-wasm's WebAssembly, and talk only to this origin. */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
