// The e2e tests drive Debian's Chromium (Playwright cannot download its own browser here). Install it where
// missing when we may (root, apt available); otherwise say exactly what to run.
import { existsSync } from 'node:fs'
import { execSync } from 'node:child_process'

const BIN = process.env.FERRY_CHROMIUM ?? '/usr/bin/chromium'
if (existsSync(BIN)) process.exit(0)
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
if (!isRoot) {
  console.error(`Chromium not found at ${BIN}. Install it with: sudo apt-get install -y chromium`)
  process.exit(1)
}
console.log('Installing Debian chromium for the e2e tests...')
execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', {
  stdio: 'inherit',
  shell: '/bin/bash',
})
if (!existsSync(BIN)) {
  console.error(`apt-get finished but ${BIN} is still missing`)
  process.exit(1)
}
