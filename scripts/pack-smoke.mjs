// The `ferry` command as a user installs it: packs this repository (npm pack, whose prepack writes the CLI
// bundle), installs the tarball globally into a temp prefix, and from a temp folder outside the repository runs
// `ferry --version`, `ferry serve` (with the web page) and `ferry put`, `ls` and `get` against it. Fails (exit 1)
// at the first step that does not do what a user would expect. It uses the Node first on PATH; the installed
// package gets its dependencies from the registry (or npm's cache), without Electron's or Playwright's downloads.
//
//   npm run test:pack
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const work = mkdtempSync(path.join(tmpdir(), 'ferry-pack-'))
const prefix = path.join(work, 'prefix')
const user = path.join(work, 'user')
mkdirSync(user)
const ferryBin = path.join(prefix, 'bin', 'ferry')
const env = {
  ...process.env,
  ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
  // The installed command must find its files on its own: nothing of the checkout's may leak in.
  NODE_PATH: '',
  PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
}

const say = (line) => console.log(`pack-smoke: ${line}`)
function fail(line) {
  console.error(`pack-smoke: FAILED: ${line}`)
  process.exitCode = 1
  throw new Error(line)
}

/** Runs a command to completion; returns its stdout, fails with its output when it exits non-zero. */
function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8' })
  if (result.status !== 0)
    fail(`${command} ${args.join(' ')} exited ${result.status}\n${result.stdout}\n${result.stderr}`)
  return result.stdout
}

/** Starts `ferry serve` and resolves its Ferry and web ports once both are listening. */
function serve(share) {
  const child = spawn(ferryBin, ['serve', '0', '--root', share, '--no-announce', '--web', '0'], {
    cwd: user,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const ports = new Promise((resolve, reject) => {
    const look = () => {
      const ferry = /listening on 127\.0\.0\.1:(\d+)/.exec(output)
      const web = /http:\/\/127\.0\.0\.1:(\d+)/.exec(output)
      if (ferry && web) resolve({ ferry: Number(ferry[1]), web: Number(web[1]) })
    }
    child.stdout.on('data', (d) => ((output += d), look()))
    child.stderr.on('data', (d) => ((output += d), look()))
    child.once('exit', (code) => reject(new Error(`ferry serve exited ${code} before listening:\n${output}`)))
  })
  return { child, ports, output: () => output }
}

async function main() {
  say(`Node ${process.version}; working in ${work}`)
  const tarball = run('npm', ['pack', '--silent', '--pack-destination', work], ROOT).trim().split('\n').pop()
  const packed = run('tar', ['-tzf', path.join(work, tarball)], work)
    .trim()
    .split('\n')
  say(`${tarball}: ${packed.length} files`)
  for (const needed of [
    'package/bin/ferry.mjs',
    'package/out/cli/ferry.mjs',
    'package/main/web/page/index.html',
  ])
    if (!packed.includes(needed)) fail(`the tarball lacks ${needed}`)
  const strays = packed.filter((f) => f.endsWith('.ts') || f.startsWith('package/node_modules/'))
  if (strays.length > 0) fail(`the tarball holds sources or modules: ${strays.slice(0, 5).join(', ')}`)

  run('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', path.join(work, tarball)], user)
  const installed = path.join(prefix, 'lib', 'node_modules', 'ferry', 'node_modules')
  for (const devOnly of ['electron', 'tsx', 'esbuild', 'node'])
    if (readdirSync(installed).includes(devOnly)) fail(`the global install pulled in ${devOnly}`)

  const version = run(ferryBin, ['--version'], user).trim()
  const expected = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version
  if (!version.includes(expected)) fail(`ferry --version printed '${version}', expected ${expected}`)
  say(`ferry --version: ${version}`)

  const share = path.join(work, 'share')
  const server = serve(share)
  try {
    const { ferry, web } = await server.ports
    const address = `127.0.0.1:${ferry}`
    writeFileSync(path.join(user, 'hello.txt'), 'hello from the packed ferry\n')
    run(ferryBin, ['put', address, 'hello.txt', '--to', 'inbox'], user)
    const listing = run(ferryBin, ['ls', address, 'inbox', '--json'], user)
    if (!JSON.parse(listing).some((entry) => entry.name === 'hello.txt'))
      fail(`ferry ls does not list hello.txt: ${listing}`)
    mkdirSync(path.join(user, 'back'))
    run(ferryBin, ['get', address, 'inbox/hello.txt', 'back'], user)
    if (readFileSync(path.join(user, 'back', 'hello.txt'), 'utf8') !== 'hello from the packed ferry\n')
      fail('ferry get brought back different bytes')
    const page = await fetch(`http://127.0.0.1:${web}/`)
    if (page.status !== 200) fail(`the web page answered HTTP ${page.status}`)
    say('serve, put, ls, get and the web page work from the installed package')
  } finally {
    const { child } = server
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGINT')
      await exited
    }
  }
}

try {
  await main()
  rmSync(work, { recursive: true, force: true })
} catch (e) {
  if (process.exitCode !== 1) {
    console.error(`pack-smoke: FAILED: ${e instanceof Error ? e.message : String(e)}`)
    process.exitCode = 1
  }
  console.error(`pack-smoke: kept ${work} for a look`)
}
