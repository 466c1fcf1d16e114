#!/usr/bin/env node
// The `ferry` command. It runs one plain-JavaScript bundle of the TypeScript CLI, out/cli/ferry.mjs
// (scripts/build-cli.mjs writes it):
// - installed from the package (npm pack / npm install -g), the bundle was built at pack time and the sources are
//   not there: it is loaded as it is, with no build tool needed;
// - in a checkout, it is rebuilt first whenever a source is newer, so `npx ferry` needs no build step. Loading one
//   file takes well under half the time of compiling every module through tsx at each start, and a short command
//   is mostly start-up. Where the bundle cannot be written (a read-only checkout, no esbuild), tsx runs the
//   sources directly.
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const entry = path.join(root, 'main/cli/index.ts')
const bundle = path.join(root, 'out/cli/ferry.mjs')
const builder = path.join(root, 'scripts/build-cli.mjs')

/** Newest modification time among the sources the CLI is built from (a few hundred stats: milliseconds). */
function newestSource() {
  let newest = Math.max(
    statSync(path.join(root, 'package.json')).mtimeMs,
    statSync(fileURLToPath(import.meta.url)).mtimeMs,
    statSync(builder).mtimeMs,
  )
  const walk = (dir) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, d.name)
      if (d.isDirectory()) walk(full)
      else if (d.name.endsWith('.ts') && !d.name.endsWith('.test.ts'))
        newest = Math.max(newest, statSync(full).mtimeMs)
    }
  }
  walk(path.join(root, 'main'))
  return newest
}

async function loadFromCheckout() {
  try {
    if (!existsSync(bundle) || statSync(bundle).mtimeMs < newestSource()) {
      const { buildCli } = await import(pathToFileURL(builder).href)
      await buildCli()
    }
    return (await import(pathToFileURL(bundle).href)).main
  } catch {
    const { register } = await import('tsx/esm/api')
    register()
    return (await import(pathToFileURL(entry).href)).main
  }
}

async function loadMain() {
  // The packed package holds the bundle but not the sources (package.json `files`).
  if (!existsSync(entry)) return (await import(pathToFileURL(bundle).href)).main
  return loadFromCheckout()
}

const main = await loadMain()
process.exitCode = await main(process.argv.slice(2))
