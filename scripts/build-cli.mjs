// Builds the `ferry` command line (main/cli/index.ts and everything it imports) into plain JavaScript,
// out/cli/ferry.mjs and the chunks it loads on demand, with esbuild. npm runs it before packing (`prepack`), so the published package carries the
// bundle and needs neither TypeScript sources nor tsx nor esbuild at run time; in a checkout bin/ferry.mjs calls
// it whenever a source is newer than the bundle.
//
//   node scripts/build-cli.mjs
//
// The bundle sits two levels below the package root, like main/cli/*.ts, so the paths the CLI resolves from its
// own location ('../../package.json' for its version, '../../main/web/page' for the web page) hold in both.
// Dependencies stay external: they are installed beside the package from its `dependencies`.
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const CLI_ENTRY = path.join(ROOT, 'main/cli/index.ts')
export const CLI_BUNDLE = path.join(ROOT, 'out/cli/ferry.mjs')

/**
 * Writes the bundle; throws when esbuild is missing (a production install) or the sources do not build. Code the
 * CLI imports on demand (the S3 store and its AWS SDK, loaded only by `serve --store s3://`) goes into chunks beside
 * the entry, so every other command starts without loading it: one file would hoist the SDK's import to the top
 * and every `ferry ls` would pay for it (about a quarter of a second).
 */
export async function buildCli() {
  const esbuild = await import('esbuild')
  const dir = path.dirname(CLI_BUNDLE)
  const result = await esbuild.build({
    entryPoints: { ferry: CLI_ENTRY },
    bundle: true,
    splitting: true,
    outdir: dir,
    // Chunks beside the entry, at the same depth, so paths a chunk resolves from its own location still hold.
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    platform: 'node',
    format: 'esm',
    // The oldest Node that package.json's `engines` admits.
    target: 'node22.13',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  })
  const entry = result.outputFiles.find((f) => f.path === CLI_BUNDLE)
  if (!entry) throw new Error('esbuild wrote no entry')
  mkdirSync(dir, { recursive: true })
  // Chunks are named by their content, so writing them never changes what a running ferry has loaded; the entry
  // is written aside and renamed, so a ferry starting meanwhile never loads half a file.
  const chunks = new Set()
  for (const file of result.outputFiles) {
    if (file === entry) continue
    chunks.add(path.basename(file.path))
    writeFileSync(file.path, file.contents)
  }
  const temp = `${CLI_BUNDLE}.${process.pid}.tmp`
  writeFileSync(temp, entry.contents)
  renameSync(temp, CLI_BUNDLE)
  for (const name of readdirSync(dir)) {
    if (name.startsWith('chunk-') && !chunks.has(name)) rmSync(path.join(dir, name), { force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildCli()
  console.log(`build-cli: wrote ${path.relative(ROOT, CLI_BUNDLE)}`)
}
