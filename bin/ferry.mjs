#!/usr/bin/env node
// The `ferry` command, runnable from the repository with no build step. It starts from one bundle of the
// TypeScript CLI (out/cli/ferry.mjs), which esbuild writes on the first run after any source changed: loading
// one prebuilt file takes well under half the time of compiling every module through tsx at each start, and a
// short command (a small folder, a script calling ferry in a loop) is mostly start-up. Where the bundle cannot
// be written (a read-only checkout, no esbuild), tsx runs the sources directly, as before.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const entry = path.join(root, 'main/cli/index.ts')
// Two levels below the root, so the CLI's own '../../package.json' (its version) resolves as in the sources.
const bundle = path.join(root, 'out/cli/ferry.mjs')

/** Newest modification time among the sources the CLI is built from (a few hundred stats: milliseconds). */
function newestSource() {
  let newest = Math.max(
    statSync(path.join(root, 'package.json')).mtimeMs,
    statSync(fileURLToPath(import.meta.url)).mtimeMs,
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

async function build() {
  const esbuild = await import('esbuild')
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]?.contents
  if (!code) throw new Error('esbuild wrote nothing')
  mkdirSync(path.dirname(bundle), { recursive: true })
  // Written aside and renamed, so a second ferry starting meanwhile never loads half a file.
  const temp = `${bundle}.${process.pid}.tmp`
  writeFileSync(temp, code)
  renameSync(temp, bundle)
}

async function loadMain() {
  try {
    if (!existsSync(bundle) || statSync(bundle).mtimeMs < newestSource()) await build()
    return (await import(pathToFileURL(bundle).href)).main
  } catch {
    const { register } = await import('tsx/esm/api')
    register()
    return (await import(pathToFileURL(entry).href)).main
  }
}

const main = await loadMain()
process.exitCode = await main(process.argv.slice(2))
