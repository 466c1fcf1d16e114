// `npm start`: builds the app when out/ is missing or older than the sources, then opens the desktop window. Where
// Electron's runtime cannot be had (no binary: it could not be downloaded; no display) it says so and serves the
// same UI in browser mode on 127.0.0.1 instead.
//   --browser   browser mode even where Electron is available
//   --port N    browser mode's port (default: a free one)
//   --no-build  use out/ as it is
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startBrowserHost } from '../main/browser-host'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const OUT = join(ROOT, 'out')
const OUTPUTS = [
  'out/main/index.js',
  'out/main/perf-worker.js',
  'out/preload/index.cjs',
  'out/renderer/index.html',
]
// perf/ is bundled into the main process (the Perf view's engine and its worker), so it counts as a source.
const SOURCES = ['main', 'preload', 'renderer', 'perf', 'electron.vite.config.ts', 'package.json']

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0
  const info = statSync(path)
  if (!info.isDirectory()) return info.mtimeMs
  let newest = 0
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue
    if (entry.isFile() && /\.test\.tsx?$/.test(entry.name)) continue
    newest = Math.max(newest, newestMtime(join(path, entry.name)))
  }
  return newest
}

export function buildIsStale(root = ROOT): boolean {
  const outputs = OUTPUTS.map((p) => join(root, p))
  if (!outputs.every((p) => existsSync(p))) return true
  const built = Math.min(...outputs.map((p) => statSync(p).mtimeMs))
  return SOURCES.some((s) => newestMtime(join(root, s)) > built)
}

/** The Electron executable when its binary is installed; read from electron's path.txt directly, because
 *  require('electron') tries to download a missing binary. */
export function electronBinary(root = ROOT): string | null {
  const pkg = join(root, 'node_modules', 'electron')
  const pathFile = join(pkg, 'path.txt')
  if (!existsSync(pathFile)) return null
  const executable = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(executable) ? executable : null
}

function hasDisplay(): boolean {
  if (process.platform !== 'linux') return true
  return Boolean(process.env['DISPLAY'] || process.env['WAYLAND_DISPLAY'])
}

function build(): void {
  console.log('Building Ferry (electron-vite build)...')
  const bin = join(
    ROOT,
    'node_modules',
    '.bin',
    process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite',
  )
  const result = spawnSync(bin, ['build'], {
    cwd: ROOT,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  })
  if (result.status !== 0) {
    console.error('The build failed; see the messages above.')
    process.exit(result.status ?? 1)
  }
}

function launchElectron(executable: string): void {
  const args = ['.']
  // Chromium refuses to run as root with its sandbox on; only then is it turned off, and we say so.
  if (process.platform === 'linux' && process.getuid?.() === 0) {
    console.warn('Running as root: starting Electron with --no-sandbox (run as a normal user to keep it).')
    args.push('--no-sandbox')
  }
  const child = spawn(executable, args, { cwd: ROOT, stdio: 'inherit' })
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)))
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig))
}

async function launchBrowserMode(port: number): Promise<void> {
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string })
    .version
  const host = await startBrowserHost({ port, staticDir: join(OUT, 'renderer'), version })
  console.log('')
  console.log('Ferry is running in browser mode. Open this address in a browser on this machine:')
  console.log('')
  console.log(`    ${host.url}`)
  console.log('')
  console.log('The address holds a one-time token: share it with no one. Press Ctrl+C to stop.')
  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    console.log('\nStopping Ferry...')
    void host.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      browser: { type: 'boolean', default: false },
      port: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
    },
  })
  const port = values.port === undefined ? 0 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`--port must be a number from 0 to 65535, not ${values.port}`)
    process.exit(2)
  }
  if (!values['no-build'] && buildIsStale()) build()
  else if (!existsSync(join(OUT, 'renderer', 'index.html'))) {
    console.error('out/ has no build: run `npm run build` or drop --no-build.')
    process.exit(1)
  }

  const executable = electronBinary()
  if (!values.browser) {
    if (executable && hasDisplay()) {
      launchElectron(executable)
      return
    }
    if (!executable) {
      console.log(
        'The Electron runtime is not installed on this machine (its binary could not be downloaded),',
      )
      console.log('so Ferry starts in browser mode instead: the same app, served to your browser.')
    } else {
      console.log('There is no display to open a window on, so Ferry starts in browser mode instead.')
    }
  }
  await launchBrowserMode(port)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  })
}
