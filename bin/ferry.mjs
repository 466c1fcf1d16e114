#!/usr/bin/env node
// The `ferry` command: runs the TypeScript CLI through tsx, so the repo needs no build step for headless use.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../main/cli/index.ts')
process.exitCode = await main(process.argv.slice(2))
