// The multi-server tests (main/testing/multi-server.test.ts) put Debian's haproxy in front of two Ferry servers.
// Install it where missing when we may (root, apt available). Otherwise say what to run: where the tests must run
// (CI=true, FERRY_HAPROXY=require or FERRY_S3=require) that is a failure, elsewhere the tests skip and say why.
// Debian's package adds an haproxy service whose stock config listens on no port; the tests run their own copy.
import { existsSync } from 'node:fs'
import { execSync } from 'node:child_process'

const CANDIDATES = ['/usr/sbin/haproxy', '/usr/bin/haproxy', '/usr/local/sbin/haproxy']
const found = () => CANDIDATES.some((file) => existsSync(file))
const required =
  process.env.CI === 'true' || process.env.FERRY_HAPROXY === 'require' || process.env.FERRY_S3 === 'require'

if (found()) process.exit(0)
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
if (!isRoot) {
  const how = 'sudo apt-get install -y haproxy'
  if (required) {
    console.error(`haproxy is missing and the multi-server tests must run here. Install it with: ${how}`)
    process.exit(1)
  }
  console.error(`haproxy is missing: the multi-server tests will skip. Install it with: ${how}`)
  process.exit(0)
}
console.log('Installing Debian haproxy for the multi-server tests...')
execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-upgrade haproxy', {
  stdio: 'inherit',
  shell: '/bin/bash',
})
if (!found()) {
  console.error('apt-get finished but haproxy is still missing')
  process.exit(1)
}
