// Fetches one exact Node release from the npm registry (the `node` package, whose install script adds the binary
// for this platform) into a cache folder kept across runs, and prints the folder holding that `node` executable,
// for a caller to put first on PATH. CI uses it to run a smoke test on the oldest Node that package.json's
// `engines` admits, whatever the machine's own Node is; the supported Node comes with `npm ci` itself (the `node`
// devDependency, which npm puts first on PATH for every npm script).
//
//   PATH="$(node scripts/fetch-node.mjs 22.13.0):$PATH" node --version
//
// Cache: $FERRY_NODE_CACHE, else $XDG_CACHE_HOME/ferry/node, else ~/.cache/ferry/node; one folder per version.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import path from 'node:path'

const version = process.argv[2] ?? ''
if (!/^\d+\.\d+\.\d+$/.test(version)) {
  console.error('usage: node scripts/fetch-node.mjs MAJOR.MINOR.PATCH')
  process.exit(2)
}

const cacheRoot =
  process.env.FERRY_NODE_CACHE ??
  path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'ferry', 'node')
const dir = path.join(cacheRoot, version)
const binDir = path.join(dir, 'node_modules', 'node', 'bin')
const executable = path.join(binDir, 'node')

/** The version the cached executable reports, or null when it is missing or does not run. */
function cachedVersion() {
  if (!existsSync(executable)) return null
  const run = spawnSync(executable, ['--version'], { encoding: 'utf8' })
  return run.status === 0 ? run.stdout.trim() : null
}

if (cachedVersion() !== `v${version}`) {
  mkdirSync(dir, { recursive: true })
  // A package.json of its own, so npm installs here and not into an enclosing project, and so the `node`
  // package's install script (which downloads the binary) is approved by name, as npm 12 will require.
  writeFileSync(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ private: true, dependencies: { node: version }, allowScripts: { node: true } }, null, 2)}\n`,
  )
  console.error(`fetch-node: installing Node ${version} from the npm registry into ${dir}`)
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const got = cachedVersion()
  if (install.status !== 0 || got !== `v${version}`) {
    console.error(
      `fetch-node: npm install exited ${install.status}; ${executable} reports ${got ?? 'nothing'}`,
    )
    process.exit(1)
  }
}
console.log(binDir)
