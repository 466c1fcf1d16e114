#!/usr/bin/env bash
# A fast check on the oldest Node that package.json's `engines` admits (22.13: eslint, jsdom and Electron's tools
# need ^22.13 || >=24, so Node 20 cannot be supported). The full suite runs on Node 24, the `node` devDependency
# that npm puts first on PATH for every npm script; running it all a second time would double CI's time, so here
# only what a Node 22 user actually runs is tested: the protocol, server, client, CLI, local store and security
# tests, and the packed `ferry` command installed globally (scripts/pack-smoke.mjs). Node 22 comes from the npm
# registry into a cache folder (scripts/fetch-node.mjs). S3 is left to the Node 24 run, which has a Ceph store.
set -euo pipefail
cd "$(dirname "$0")/.."
OLDEST=22.13.0
range=$(node -p "require('./package.json').engines.node")
case "$range" in
  "^$OLDEST "*) ;;
  *) echo "oldest-node-smoke: engines.node is '$range'; update OLDEST ($OLDEST) to its lowest version" >&2; exit 1 ;;
esac
bin=$(node scripts/fetch-node.mjs "$OLDEST")
export PATH="$bin:$PATH"
if [ "$(node --version)" != "v$OLDEST" ]; then
  echo "oldest-node-smoke: expected Node $OLDEST first on PATH, got $(node --version)" >&2
  exit 1
fi
echo "oldest-node-smoke: Node $(node --version)"
# Called directly, not through npm scripts, which would put the Node 24 of node_modules/.bin first again.
FERRY_S3=off node node_modules/vitest/vitest.mjs run --project node \
  main/protocol main/server main/client main/cli main/store/local main/fs-io main/security
node scripts/pack-smoke.mjs
