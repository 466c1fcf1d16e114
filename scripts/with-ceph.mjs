// Runs a command with a throw-away Ceph S3 store beside it: starts one (scripts/ceph-s3/start, which installs Ceph
// with apt when missing and we are root) in a fresh temp folder on free ports, runs the command with FERRY_S3_*
// set, and always stops the store and removes its folder afterwards, whatever the command did.
//
//   node scripts/with-ceph.mjs npx vitest run main/store
//
// When no store can be had (not root and Ceph missing, or the start failed) the command still runs, without
// FERRY_S3_*, so the S3 tests skip and say why; FERRY_S3=require turns that into a failure, FERRY_S3=off skips
// the store on purpose. FERRY_S3_ENDPOINT already set: that store is used and nothing is started.
// Exit code: the command's (128 + signal number when it was killed by one).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { constants, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const START = path.join(HERE, 'ceph-s3', 'start')
const STOP = path.join(HERE, 'ceph-s3', 'stop')
/** start's exit code for "Ceph is missing and this user may not install it". */
const CANNOT_INSTALL = 3
/** Longest a start may take, the apt install included. */
const START_TIMEOUT_MS = 10 * 60 * 1000
const ATTEMPTS = 3

const say = (line) => console.error(`with-ceph: ${line}`)

function portFree(port) {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/** A base port whose S3 and monitor ports and the first few OSD ports are free (start uses PORT..PORT+31). */
async function pickPort() {
  for (let tries = 0; tries < 50; tries++) {
    const base = 20000 + Math.floor(Math.random() * 3000) * 10
    const ports = [0, 1, 2, 3, 4].map((i) => base + i)
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return base
  }
  throw new Error('no free ports for the S3 store')
}

/** Runs start; resolves { code, exports, log } without throwing. */
function runStart(dir, port) {
  return new Promise((resolve) => {
    const child = spawn('bash', [START, dir, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let log = ''
    const timer = setTimeout(() => child.kill('SIGTERM'), START_TIMEOUT_MS)
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => {
      log += chunk
      // Its own progress lines go through; apt's chatter is kept for a failure report.
      for (const line of String(chunk).split('\n')) if (line.startsWith('ceph-s3 ')) console.error(line)
    })
    child.on('error', (err) => {
      clearTimeout(timer)
      resolve({ code: 1, exports: {}, log: `${log}\n${err.message}` })
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code: code ?? 1, exports: parseExports(stdout), log })
    })
  })
}

/** `export A=1 B=2` lines to { A: '1', B: '2' } (the values start prints have no spaces or quotes). */
function parseExports(text) {
  const env = {}
  for (const line of text.split('\n')) {
    if (!line.startsWith('export ')) continue
    for (const pair of line.slice('export '.length).trim().split(/\s+/)) {
      const eq = pair.indexOf('=')
      if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1)
    }
  }
  return env
}

function stop(dir) {
  if (existsSync(path.join(dir, 'pids'))) {
    spawnSync('bash', [STOP, dir, '--purge'], { stdio: ['ignore', 'ignore', 'inherit'] })
  }
  rmSync(dir, { recursive: true, force: true }) // a start that failed early leaves an unmarked folder
}

/** Starts a store; returns { env, dir } or { env: {}, dir: null, why } when there is none. */
async function startStore() {
  let last = null
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const dir = mkdtempSync(path.join(tmpdir(), 'ferry-ceph-'))
    const port = await pickPort()
    const result = await runStart(dir, port)
    if (result.code === 0 && result.exports.FERRY_S3_ENDPOINT) return { env: result.exports, dir }
    stop(dir)
    if (result.code === CANNOT_INSTALL) {
      return { env: {}, dir: null, why: 'Ceph is not installed and installing it needs root (see above)' }
    }
    last = result
    say(`start attempt ${attempt} failed (exit ${result.code})`)
  }
  console.error(last.log.split('\n').slice(-40).join('\n'))
  return { env: {}, dir: null, why: 'the Ceph S3 store did not start (log above)' }
}

// Ctrl-C and kills do not end this process before it has stopped the store: they are passed to the command (the
// terminal's Ctrl-C reaches it anyway) or, while the store is starting, end the run once it has started.
let command = null
let interrupted = null
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    interrupted ??= signal
    command?.kill(signal)
  })
}

function runCommand(argv, env) {
  return new Promise((resolve) => {
    // node_modules/.bin first, as in npm scripts, so `with-ceph.mjs vitest run ...` works from a shell too.
    const bin = path.join(HERE, '..', 'node_modules', '.bin')
    const PATH = [bin, process.env.PATH].filter(Boolean).join(path.delimiter)
    const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit', env: { ...process.env, ...env, PATH } })
    command = child
    child.on('error', (err) => {
      say(`cannot run ${argv[0]}: ${err.message}`)
      resolve(127)
    })
    child.on('close', (code, signal) => resolve(code ?? 128 + (constants.signals[signal] ?? 1)))
  })
}

const argv = process.argv.slice(2)
if (argv.length === 0) {
  say('usage: node scripts/with-ceph.mjs COMMAND [ARGS...]')
  process.exit(2)
}
const mode = (process.env.FERRY_S3 ?? 'auto').toLowerCase()
let store = { env: {}, dir: null, why: null }
if (process.env.FERRY_S3_ENDPOINT) {
  say(`using the S3 store at ${process.env.FERRY_S3_ENDPOINT} (FERRY_S3_ENDPOINT is set)`)
} else if (mode === 'off') {
  say('FERRY_S3=off: no S3 store, the S3 tests skip')
} else {
  store = await startStore().catch((err) => ({ env: {}, dir: null, why: err.message }))
  if (store.dir === null) {
    say(`no S3 store: ${store.why}; the S3 tests skip`)
    if (mode === 'require') process.exit(1)
  } else {
    say(`S3 store at ${store.env.FERRY_S3_ENDPOINT} (data in ${store.dir})`)
  }
}
let code
try {
  code = interrupted ? 128 + constants.signals[interrupted] : await runCommand(argv, store.env)
} finally {
  if (store.dir !== null) stop(store.dir)
}
process.exit(code)
